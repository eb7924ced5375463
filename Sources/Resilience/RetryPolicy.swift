import Backoff

/// How often and how patiently a retryable Vlens failure is tried again:
/// exponential backoff with full jitter, capped, within an attempt budget.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included. Default 8.
    public var maxAttempts: Int
    /// The backoff: doubling from the base delay up to the maximum, with full jitter.
    public var backoff: ExponentialBackoff

    /// The backoff before the second attempt, before jitter. Default 200 ms.
    public var baseDelay: Duration {
        get { backoff.initial }
        set { backoff.initial = newValue }
    }

    /// The largest backoff. Default 30 s.
    public var maxDelay: Duration {
        get { backoff.maximum }
        set { backoff.maximum = newValue }
    }

    public init(maxAttempts: Int = 8, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(30)) {
        self.maxAttempts = maxAttempts
        self.backoff = ExponentialBackoff(initial: baseDelay, maximum: maxDelay, jitter: .full)
    }

    /// The delay before attempt `attempt + 1`, after `attempt` failures (1-based).
    ///
    /// Full jitter: uniformly random in `[0, min(maxDelay, baseDelay * 2^(attempt-1))]`. A server's
    /// `Retry-After` is a lower bound.
    public func delay<G: RandomNumberGenerator>(afterAttempt attempt: Int, retryAfter: Duration? = nil, using generator: inout G) -> Duration {
        let jittered = backoff.delay(afterFailures: attempt, using: &generator)
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }

    /// Whether another attempt is allowed after `attempt` attempts.
    public func allowsAttempt(after attempt: Int) -> Bool { attempt < maxAttempts }
}
