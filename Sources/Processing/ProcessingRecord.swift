import Kafka

/// What the engine needs to know about a record to schedule it and track its offset.
///
/// The engine hands the record itself to the handler untouched, so a source can deliver its own
/// record type (for Kafka, `KafkaRecord`).
public protocol ProcessingRecord: Sendable {
    /// The partition the record was read from.
    var topicPartition: KafkaTopicPartition { get }
    /// The record's offset within its partition.
    var offset: Int64 { get }
    /// The key that orders records: records with equal keys are handled one at a time, in offset order.
    /// Records without a key have no order among themselves.
    var orderingKey: [UInt8]? { get }
    /// The memory the record holds, counted against the in-flight byte limit.
    var byteCount: Int { get }
}
