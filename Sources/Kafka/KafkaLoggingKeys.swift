/// Metadata keys the Kafka layer uses in its log lines.
enum KafkaLoggingKeys {
    static let facility = "kafka.facility"
    static let error = "kafka.error"
    static let reason = "kafka.reason"
    static let partitions = "kafka.partitions"
    static let protocolName = "kafka.rebalance_protocol"
    static let group = "kafka.group"
    static let count = "kafka.count"
}
