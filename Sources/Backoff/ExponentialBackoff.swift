/// Waits between attempts that grow by `multiplier` from `initial` up to `maximum`, with or without
/// full jitter. The processing engine retries a failing handler with it (no jitter), the Vlens step
/// runner and the store's migration with full jitter (through `RetryPolicy`).
public struct ExponentialBackoff: Hashable, Sendable {
    /// How a wait is drawn from its ceiling.
    public enum Jitter: Hashable, Sendable {
        /// The ceiling itself.
        case none
        /// Uniformly random in `[0, ceiling]` (spreads retries of many callers).
        case full
    }

    /// The wait after the first failure (before jitter). Default: 100 ms.
    public var initial: Duration
    /// The longest wait. Default: 30 s.
    public var maximum: Duration
    /// The factor between consecutive waits. Default: 2.
    public var multiplier: Double
    public var jitter: Jitter

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(30), multiplier: Double = 2, jitter: Jitter = .none) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The ceiling of the wait after `failures` failed attempts (at least 1): `initial × multiplier^(failures−1)`, capped.
    public func ceiling(afterFailures failures: Int) -> Duration {
        var delay = initial
        for _ in 1..<max(failures, 1) {
            delay = delay * multiplier
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }

    /// The wait after `failures` failed attempts, jittered as configured.
    public func delay<G: RandomNumberGenerator>(afterFailures failures: Int, using generator: inout G) -> Duration {
        let ceiling = ceiling(afterFailures: failures)
        switch jitter {
        case .none:
            return ceiling
        case .full:
            let seconds = Double(ceiling.components.seconds) + Double(ceiling.components.attoseconds) / 1e18
            return .seconds(Double.random(in: 0...max(seconds, 0), using: &generator))
        }
    }
}
