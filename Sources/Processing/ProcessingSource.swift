import Kafka

/// What the engine needs from a consumer: an event stream and partition flow control.
///
/// The engine iterates ``makeEvents()`` exactly once and keeps iterating while partitions are
/// paused, so rebalances are seen at any time. Calls to ``pause(_:)`` and ``resume(_:)`` never
/// overlap, and neither do calls to ``commit(_:)``.
public protocol ProcessingSource: Sendable {
    associatedtype Record: ProcessingRecord
    associatedtype Events: AsyncSequence<ProcessingEvent<Record>, any Error>

    /// The events of this consumer; the sequence ends when the source is closed.
    func makeEvents() -> Events

    /// Stops fetching from the partitions; records already fetched may still arrive.
    func pause(_ partitions: [KafkaTopicPartition]) async throws

    /// Starts fetching from the partitions again.
    func resume(_ partitions: [KafkaTopicPartition]) async throws

    /// Commits, per partition, the offset of the next record to read.
    func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws

    /// Leaves the group and ends the event stream.
    func close() async throws
}
