/// How the engine schedules, limits and commits.
public struct ProcessingConfiguration: Sendable {
    /// What orders records. Default: ``OrderingMode/key``.
    public var ordering: OrderingMode = .key

    /// The most records whose handler runs at once. Default: 256.
    public var maxInFlightRecords: Int = 256

    /// The most bytes of records the engine holds, queued or running; partitions are paused above it.
    /// Default: 64 MiB.
    public var maxInFlightBytes: Int = 64 << 20

    /// The most records the engine holds, queued or running; partitions are paused above it.
    /// Default: 1024.
    public var maxQueuedRecords: Int = 1024

    /// The most records of one partition at or past its lowest incomplete offset (what its commit
    /// point has not passed); the partition is paused above it, so a record that never completes
    /// cannot make the offset tracker grow without bound. Default: 10,000.
    public var maxUncommittedRecordsPerPartition: Int = 10_000

    /// The same bound in bytes. Default: 128 MiB.
    public var maxUncommittedBytesPerPartition: Int = 128 << 20

    /// How often completed offsets are committed. Default: 1 s.
    public var commitInterval: Duration = .seconds(1)

    /// How long a revocation waits for the revoked partitions' running records. Default: 10 s.
    public var revocationDrainTimeout: Duration = .seconds(10)

    /// How long a graceful shutdown waits for running records. Default: 20 s.
    public var shutdownDrainTimeout: Duration = .seconds(20)

    /// How long to wait before handling a record again after its handler threw.
    public var retryBackoff: RetryBackoff = RetryBackoff()

    public init() {}
}
