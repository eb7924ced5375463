import Testing
import Worker
import Resilience

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    private let start = ContinuousClock.now
    private let configuration = CircuitBreaker.Configuration(failureThreshold: 3, probeInterval: .seconds(5))

    @Test("opens after the threshold of consecutive retryable failures, not before")
    func opensAtThreshold() {
        var breaker = CircuitBreaker(configuration: configuration)
        #expect(breaker.recordFailure(now: start) == nil)
        #expect(breaker.recordFailure(now: start) == nil)
        #expect(breaker.permit(now: start) == .call)
        #expect(breaker.recordFailure(now: start) == .opened)
        #expect(breaker.isOpen)
        #expect(breaker.permit(now: start + .seconds(1)) == .wait(until: start + .seconds(5)))
    }

    @Test("a success in between resets the count")
    func successResets() {
        var breaker = CircuitBreaker(configuration: configuration)
        _ = breaker.recordFailure(now: start)
        _ = breaker.recordFailure(now: start)
        #expect(breaker.recordSuccess() == nil)
        _ = breaker.recordFailure(now: start)
        _ = breaker.recordFailure(now: start)
        #expect(!breaker.isOpen)
    }

    @Test("while open, one probe per interval; a failed probe keeps it open, a good one closes it")
    func probes() {
        var breaker = CircuitBreaker(configuration: configuration)
        for _ in 0..<3 { _ = breaker.recordFailure(now: start) }
        let probeTime = start + .seconds(5)
        #expect(breaker.permit(now: probeTime) == .probe)
        #expect(breaker.permit(now: probeTime) == .wait(until: probeTime + .seconds(5)))
        #expect(breaker.recordFailure(now: probeTime) == nil)
        #expect(breaker.isOpen)
        #expect(breaker.permit(now: probeTime + .seconds(4)) == .wait(until: probeTime + .seconds(5)))
        #expect(breaker.permit(now: probeTime + .seconds(5)) == .probe)
        #expect(breaker.recordSuccess() == .closed)
        #expect(breaker.permit(now: probeTime + .seconds(5)) == .call)
    }
}
