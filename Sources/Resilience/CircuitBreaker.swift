/// The breaker that stops calling Vlens during an outage.
///
/// A pure state machine: it opens after `failureThreshold` consecutive retryable failures,
/// then lets one probe through per `probeInterval`; a successful probe closes it, a failed one
/// keeps it open. Business rejections count as successes: Vlens answered.
public struct CircuitBreaker: Sendable {
    /// Tuning of the breaker.
    public struct Configuration: Sendable, Equatable {
        /// Consecutive retryable failures that open the breaker. Default 5.
        public var failureThreshold: Int
        /// Time between probes while open. Default 5 s.
        public var probeInterval: Duration

        public init(failureThreshold: Int = 5, probeInterval: Duration = .seconds(5)) {
            self.failureThreshold = failureThreshold
            self.probeInterval = probeInterval
        }
    }

    /// What a caller that wants to call Vlens should do.
    public enum Permit: Sendable, Equatable {
        /// Call now.
        case call
        /// Call now, as the single probe of an open breaker.
        case probe
        /// Do not call; ask again at the given instant.
        case wait(until: ContinuousClock.Instant)
    }

    /// A transition callers report to metrics and logs.
    public enum Transition: Sendable, Equatable { case opened, closed }

    private enum State: Sendable {
        case closed(consecutiveFailures: Int)
        case open(nextProbeAt: ContinuousClock.Instant)
        case probing(startedAt: ContinuousClock.Instant)
    }

    public let configuration: Configuration
    private var state: State = .closed(consecutiveFailures: 0)

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Whether the breaker currently blocks calls.
    public var isOpen: Bool {
        if case .closed = state { return false }
        return true
    }

    /// Asks for permission to call.
    public mutating func permit(now: ContinuousClock.Instant) -> Permit {
        switch state {
        case .closed:
            return .call
        case .open(let nextProbeAt):
            guard now >= nextProbeAt else { return .wait(until: nextProbeAt) }
            state = .probing(startedAt: now)
            return .probe
        case .probing(let startedAt):
            // One probe at a time; a probe that never reports is replaced after an interval.
            let retryAt = startedAt + configuration.probeInterval
            guard now >= retryAt else { return .wait(until: retryAt) }
            state = .probing(startedAt: now)
            return .probe
        }
    }

    /// Reports that Vlens answered (success or business rejection).
    public mutating func recordSuccess() -> Transition? {
        let wasOpen = isOpen
        state = .closed(consecutiveFailures: 0)
        return wasOpen ? .closed : nil
    }

    /// Reports a retryable failure (5xx, time-out, connection error).
    public mutating func recordFailure(now: ContinuousClock.Instant) -> Transition? {
        switch state {
        case .closed(let failures):
            let failures = failures + 1
            guard failures >= configuration.failureThreshold else {
                state = .closed(consecutiveFailures: failures)
                return nil
            }
            state = .open(nextProbeAt: now + configuration.probeInterval)
            return .opened
        case .open, .probing:
            state = .open(nextProbeAt: now + configuration.probeInterval)
            return nil
        }
    }
}
