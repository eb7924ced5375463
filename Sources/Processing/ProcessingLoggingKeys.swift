/// Logging metadata keys of the Processing module.
enum ProcessingLoggingKeys {
    static let partition = "processing.partition"
    static let partitions = "processing.partitions"
    static let offset = "processing.offset"
    static let attempt = "processing.attempt"
    static let errorType = "processing.error_type"
    static let running = "processing.running"
    static let ordering = "processing.ordering"
}
