import Foundation

/// A record read from a partition.
public struct KafkaRecord: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    /// The record's offset in its partition. The next offset to read (and to commit) is `offset + 1`.
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// The record's timestamp (create or log-append time), when the broker sent one.
    public var timestamp: Date?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8],
        headers: [KafkaHeader] = [], timestamp: Date? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// Key, value and header bytes: what the record holds in memory, as the consumer's event buffer
    /// and the processing engine count it.
    public var byteCount: Int {
        headers.reduce((key?.count ?? 0) + value.count) { $0 + $1.key.utf8.count + ($1.value?.count ?? 0) }
    }

    /// The partition this record came from.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// The last header named `key`, as UTF-8 text; `nil` when absent or null.
    public func header(_ key: String) -> String? {
        headers.last { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}
