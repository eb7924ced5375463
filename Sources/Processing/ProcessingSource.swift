import Kafka

/// What the engine needs from a consumer: an event stream and partition flow control.
///
/// The engine iterates ``makeEvents()`` exactly once and keeps iterating while partitions are
/// paused, so rebalances are seen at any time. Calls to ``pause(_:)`` and ``resume(_:)`` never
/// overlap, and neither do calls to ``commit(_:)``.
public protocol ProcessingSource: Sendable {
    associatedtype Record: ProcessingRecord
    associatedtype Events: AsyncSequence<ProcessingEvent<Record>, any Error>
    /// What the handler's outputs are; `Never` for a source that takes none.
    associatedtype Output: Sendable = Never

    /// The events of this consumer; the sequence ends when the source is closed.
    func makeEvents() -> Events

    /// Stops fetching from the partitions; records already fetched may still arrive.
    func pause(_ partitions: [KafkaTopicPartition]) async throws

    /// Starts fetching from the partitions again.
    func resume(_ partitions: [KafkaTopicPartition]) async throws

    /// Takes the outputs of a handled record. The engine calls it once per handled record that
    /// produced any, and counts the record complete (its offset committable) only after it returned:
    /// an at-least-once source publishes them and waits for the broker; an exactly-once source holds
    /// them for the transaction that commits the record's offset. Throwing makes the engine handle
    /// the record again.
    func deliver(_ outputs: [Output], for record: Record) async throws

    /// Commits, per partition, the offset of the next record to read.
    func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws

    /// Leaves the group and ends the event stream.
    func close() async throws
}

extension ProcessingSource where Output == Never {
    /// A source without outputs has nothing to deliver.
    public func deliver(_ outputs: [Never], for record: Record) async throws {}
}
