import Testing
import Worker

@Suite("Request pacer")
struct RequestPacerTests {
    private let start = ContinuousClock.now

    /// Counts the most slots any half-open window of `length` holds.
    private func busiestWindow(_ slots: [ContinuousClock.Instant], length: Duration) -> Int {
        var best = 0
        for (index, slot) in slots.enumerated() {
            best = max(best, slots[index...].prefix { $0 < slot + length }.count)
        }
        return best
    }

    @Test("the documented default (10/s, 60/min) never puts more than 60 calls in a minute or 10 in a second")
    func defaultLimitsHold() {
        var pacer = RequestPacer(limit: RateLimit())
        let slots = (0..<200).map { _ in pacer.reserve(now: start) }
        #expect(busiestWindow(slots, length: .seconds(60)) <= 60)
        #expect(busiestWindow(slots, length: .seconds(1)) <= 10)
        // ...and uses at least 90% of the minute budget.
        #expect(busiestWindow(slots, length: .seconds(60)) >= 54)
    }

    @Test("three instances with equal shares stay under the tenant's limit together")
    func sharesAddUp() {
        var slots: [ContinuousClock.Instant] = []
        for _ in 0..<3 {
            var pacer = RequestPacer(limit: RateLimit(perSecond: 10, perMinute: nil))
            pacer.setShare(1.0 / 3.0)
            slots += (0..<100).map { _ in pacer.reserve(now: start) }
        }
        slots.sort()
        #expect(busiestWindow(slots, length: .seconds(1)) <= 10)
        #expect(busiestWindow(slots, length: .seconds(1)) >= 9)
    }

    @Test("a 429 blocks until Retry-After and halves the pace; successes win it back")
    func adaptsToRateLimiting() {
        var pacer = RequestPacer(limit: RateLimit(perSecond: 10, perMinute: nil))
        _ = pacer.reserve(now: start)
        pacer.recordRateLimited(now: start, retryAfter: .seconds(2))
        #expect(pacer.adaptiveFactor == 0.5)
        #expect(pacer.reserve(now: start) >= start + .seconds(2))
        for _ in 0..<10 { pacer.recordAccepted() }
        #expect(pacer.adaptiveFactor == 1)
    }

    @Test("calls sent late go out no closer than the pace, and no window holds more than the share")
    func admitsByActualSends() throws {
        var pacer = RequestPacer(limit: RateLimit(perSecond: 10, perMinute: nil))
        pacer.setShare(0.4)  // 4 per second
        let interval = try #require(pacer.interval)
        // Calls whose slots were used late arrive together: the first goes, the next waits a full interval.
        #expect(pacer.admit(now: start) == nil)
        #expect(pacer.admit(now: start) == start + interval)
        var sent = [start]
        var now = start
        while sent.count < 12 {
            now += .milliseconds(10)
            if pacer.admit(now: now) == nil { sent.append(now) }
        }
        for (index, call) in sent.enumerated() {
            #expect(sent[index...].prefix { $0 < call + .seconds(1) }.count <= 4, "no 1-second window holds more than 4 calls")
            if index > 0 { #expect(call - sent[index - 1] >= interval) }
        }
    }

    @Test("unlimited never waits")
    func unlimited() {
        var pacer = RequestPacer(limit: .unlimited)
        for _ in 0..<100 { #expect(pacer.reserve(now: start) == start) }
    }
}
