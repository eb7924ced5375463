extension ProcessingConfiguration {
    /// Exponential backoff between attempts at a record whose handler threw.
    public struct RetryBackoff: Hashable, Sendable {
        /// The wait after the first failure. Default: 100 ms.
        public var initial: Duration = .milliseconds(100)
        /// The longest wait. Default: 30 s.
        public var maximum: Duration = .seconds(30)
        /// The factor between consecutive waits. Default: 2.
        public var multiplier: Double = 2

        public init() {}

        /// The wait before attempt `failures + 1`, after `failures` failed attempts (at least 1).
        func delay(afterFailures failures: Int) -> Duration {
            var delay = initial
            for _ in 1..<max(failures, 1) {
                delay = delay * multiplier
                if delay >= maximum { return maximum }
            }
            return min(delay, maximum)
        }
    }
}
