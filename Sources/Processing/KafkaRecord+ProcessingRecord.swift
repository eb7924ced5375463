import Kafka

extension KafkaRecord: ProcessingRecord {
    /// The record's key: records with equal keys are handled one at a time, in offset order.
    public var orderingKey: [UInt8]? { key }
    // `byteCount` (key, value and header bytes) comes from the Kafka module.
}
