import Kafka
import Processing

/// A record of an ``InMemoryLog``, as an ``InMemoryProcessingSource`` delivers it.
public struct InMemoryRecord: ProcessingRecord, Hashable {
    public var topicPartition: KafkaTopicPartition
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// The assignment this delivery belongs to: unique per assignment of a partition to a source.
    public var assignment: UInt64 = 0
    /// The first offset the assignment delivers (the committed offset when it began).
    public var assignmentStart: Int64 = 0

    public init(topicPartition: KafkaTopicPartition, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = []) {
        self.topicPartition = topicPartition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The same record as a broker would deliver it.
    public var kafkaRecord: KafkaRecord {
        KafkaRecord(topic: topicPartition.topic, partition: topicPartition.partition, offset: offset, key: key, value: value, headers: headers)
    }

    public var orderingKey: [UInt8]? { key }
    public var byteCount: Int { (key?.count ?? 0) + value.count }
}
