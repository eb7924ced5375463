/// An error from the Kafka client layer.
///
/// `code` is short and bounded (librdkafka's error names plus a few of the wrapper's own),
/// so it is safe as a metric label. `message` is for people and may carry broker detail.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a bounded, label-safe value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// librdkafka's name for the error (for example `_MSG_TIMED_OUT`, `NOT_COORDINATOR`), or the wrapper's own.
        public let description: String

        init(_ name: String) { self.description = name }
    }

    public let code: Code
    /// A human-readable explanation: what failed and what to do.
    public let message: String
    /// Whether retrying the same operation later may succeed.
    public let isRetryable: Bool
    /// Whether the client is unusable and must be recreated.
    public let isFatal: Bool
    /// For transactional producers: the current transaction must be aborted.
    public let requiresTransactionAbort: Bool
    /// Where the wrapper raised the error.
    public let file: String
    public let line: Int

    init(
        code: Code, message: String, isRetryable: Bool = false, isFatal: Bool = false,
        requiresTransactionAbort: Bool = false, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.isRetryable = isRetryable
        self.isFatal = isFatal
        self.requiresTransactionAbort = requiresTransactionAbort
        self.file = file
        self.line = line
    }

    public var description: String {
        "KafkaError(\(code)): \(message)\(isRetryable ? " [retryable]" : "")\(isFatal ? " [fatal]" : "")"
    }
}

extension KafkaError.Code {
    /// A configuration property was rejected.
    public static let configuration = Self("configuration")
    /// The linked librdkafka is older than ``LibrdkafkaVersion/minimum``.
    public static let unsupportedLibrdkafka = Self("unsupported_librdkafka")
    /// The client was closed.
    public static let closed = Self("closed")
    /// An argument was invalid (for example an empty topic list).
    public static let invalidArgument = Self("invalid_argument")
    /// Some partitions of a multi-partition request failed; `message` names them.
    public static let partitionErrors = Self("partition_errors")
}

extension KafkaError {
    /// A configuration value the wrapper or librdkafka rejected.
    static func configuration(_ message: String, file: String = #fileID, line: Int = #line) -> KafkaError {
        KafkaError(code: .configuration, message: message, file: file, line: line)
    }

    /// The client is closed.
    static func closed(_ operation: String, file: String = #fileID, line: Int = #line) -> KafkaError {
        KafkaError(code: .closed, message: "\(operation) was called after the client was closed", file: file, line: line)
    }
}
