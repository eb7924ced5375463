import Kafka

/// A record of an ``InMemoryLog``, as an ``InMemoryProcessingSource`` delivers it.
public struct InMemoryRecord: ProcessingRecord, Hashable {
    public var topicPartition: KafkaTopicPartition
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    /// The assignment this delivery belongs to: unique per assignment of a partition to a source.
    public var assignment: UInt64 = 0
    /// The first offset the assignment delivers (the committed offset when it began).
    public var assignmentStart: Int64 = 0

    public init(topicPartition: KafkaTopicPartition, offset: Int64, key: [UInt8]?, value: [UInt8]) {
        self.topicPartition = topicPartition
        self.offset = offset
        self.key = key
        self.value = value
    }

    public var orderingKey: [UInt8]? { key }
    public var byteCount: Int { (key?.count ?? 0) + value.count }
}
