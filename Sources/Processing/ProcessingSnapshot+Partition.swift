extension ProcessingSnapshot {
    /// One owned partition's load and commit progress.
    public struct Partition: Sendable, Equatable {
        /// Records received and waiting for their key (or for a free slot).
        public var queuedRecords: Int
        /// Records whose handler is running.
        public var runningRecords: Int
        /// The highest offset received + 1, minus the committed offset: records not yet committed.
        public var commitLag: Int64
        /// The last committed offset (the next to read), if the engine committed one.
        public var committedOffset: Int64?
        /// Whether the partition is paused for back-pressure, revocation or shutdown.
        public var paused: Bool

        public init(queuedRecords: Int, runningRecords: Int, commitLag: Int64, committedOffset: Int64?, paused: Bool) {
            self.queuedRecords = queuedRecords
            self.runningRecords = runningRecords
            self.commitLag = commitLag
            self.committedOffset = committedOffset
            self.paused = paused
        }
    }
}
