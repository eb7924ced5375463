/// Logging metadata keys of the Processing module.
enum ProcessingLoggingKeys {
    static let partition = "processing.partition"
    static let partitions = "processing.partitions"
    static let offset = "processing.offset"
    static let attempt = "processing.attempt"
    static let errorType = "processing.error_type"
    /// A Kafka error's code and librdkafka's explanation (never record contents).
    static let kafkaError = "processing.kafka_error"
    static let running = "processing.running"
    static let ordering = "processing.ordering"
}
