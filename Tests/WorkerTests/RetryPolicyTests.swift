import Testing
import Worker
import Resilience

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("full jitter stays within the exponential ceiling and the cap")
    func jitterWithinCeiling() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(2))
        var generator = SystemRandomNumberGenerator()
        for attempt in 1...9 {
            let ceiling = min(Duration.seconds(2), .milliseconds(100) * (1 << (attempt - 1)))
            for _ in 0..<50 {
                let delay = policy.delay(afterAttempt: attempt, using: &generator)
                #expect(delay >= .zero && delay <= ceiling)
            }
        }
    }

    @Test("Retry-After is a lower bound")
    func retryAfterHonoured() {
        let policy = RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(50))
        var generator = SystemRandomNumberGenerator()
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3), using: &generator) >= .seconds(3))
    }

    @Test("the budget counts the first attempt")
    func budget() {
        let policy = RetryPolicy(maxAttempts: 3)
        #expect(policy.allowsAttempt(after: 2))
        #expect(!policy.allowsAttempt(after: 3))
    }
}
