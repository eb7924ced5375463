import Kafka

extension KafkaRecord: ProcessingRecord {
    /// The record's key: records with equal keys are handled one at a time, in offset order.
    public var orderingKey: [UInt8]? { key }

    /// Key, value and header bytes.
    public var byteCount: Int {
        headers.reduce((key?.count ?? 0) + value.count) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
    }
}
