import Kafka

/// The engine's load at one moment, for metrics and health checks.
public struct ProcessingSnapshot: Sendable, Equatable {
    /// Records the engine holds: queued or running.
    public var inFlightRecords: Int
    /// Records whose handler is running.
    public var runningRecords: Int
    /// Bytes of the records the engine holds.
    public var inFlightBytes: Int
    /// The most bytes the engine held at once since it started: exact, where a gauge of
    /// ``inFlightBytes`` read now and then misses the peaks between readings.
    public var peakInFlightBytes: Int
    /// Per owned partition.
    public var partitions: [KafkaTopicPartition: Partition] = [:]

    public init(inFlightRecords: Int, runningRecords: Int, inFlightBytes: Int, peakInFlightBytes: Int? = nil) {
        self.inFlightRecords = inFlightRecords
        self.runningRecords = runningRecords
        self.inFlightBytes = inFlightBytes
        self.peakInFlightBytes = max(peakInFlightBytes ?? inFlightBytes, inFlightBytes)
    }
}
