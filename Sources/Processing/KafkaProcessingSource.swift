import Kafka

/// Feeds the engine from a subscribed ``KafkaConsumer``.
///
/// The consumer must commit only through the engine (`enable.auto.commit` stays off, as the
/// wrapper sets it). The engine closes the consumer when it stops gracefully.
public struct KafkaProcessingSource: ProcessingSource {
    public typealias Record = KafkaRecord

    /// The consumer the records come from.
    public let consumer: KafkaConsumer

    public init(consumer: KafkaConsumer) {
        self.consumer = consumer
    }

    public func makeEvents() -> Events {
        Events(events: consumer.events)
    }

    public func pause(_ partitions: [KafkaTopicPartition]) async throws {
        consumer.pause(partitions)
    }

    public func resume(_ partitions: [KafkaTopicPartition]) async throws {
        consumer.resume(partitions)
    }

    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws {
        try await consumer.commit(offsets)
    }

    public func close() async throws {
        try await consumer.close()
    }
}
