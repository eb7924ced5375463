import Kafka

/// The unit of ordering: records in one lane run one at a time in offset order.
///
/// In key mode a lane is a key within a partition (a record without a key gets a lane of its
/// own); in partition mode a lane is the whole partition.
struct LaneKey: Hashable, Sendable {
    var partition: KafkaTopicPartition
    var key: [UInt8]?
    var unkeyedOffset: Int64?

    init<Record: ProcessingRecord>(_ record: Record, ordering: ProcessingConfiguration.OrderingMode) {
        partition = record.topicPartition
        switch ordering.mode {
        case .partition:
            key = nil
            unkeyedOffset = nil
        case .key:
            key = record.orderingKey
            unkeyedOffset = key == nil ? record.offset : nil
        }
    }
}
