import CRdKafka

extension KafkaError.Code {
    init(_ error: rd_kafka_resp_err_t) {
        self.init(String(cString: rd_kafka_err2name(error)))
    }

    /// The local queue is full (`queue.buffering.max.messages`).
    public static let queueFull = Self(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    /// A produced message was not delivered within `message.timeout.ms`.
    public static let messageTimedOut = Self(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    /// A local operation timed out.
    public static let timedOut = Self(RD_KAFKA_RESP_ERR__TIMED_OUT)
    /// A broker did not answer a request in time.
    public static let requestTimedOut = Self(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
    /// A message is larger than `message.max.bytes` allows.
    public static let messageSizeTooLarge = Self(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
    /// The group coordinator is not available.
    public static let coordinatorNotAvailable = Self(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
    /// The broker is not the group's coordinator.
    public static let notCoordinator = Self(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
    /// The topic or partition does not exist.
    public static let unknownTopicOrPartition = Self(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    /// The topic exists already.
    public static let topicAlreadyExists = Self(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    /// The group is rebalancing.
    public static let rebalanceInProgress = Self(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
    /// The consumer's group generation is stale.
    public static let illegalGeneration = Self(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)
    /// The group does not know this member.
    public static let unknownMemberID = Self(RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID)
    /// The operation needs partitions the consumer is not assigned.
    public static let state = Self(RD_KAFKA_RESP_ERR__STATE)
    /// A fatal error made the client unusable.
    public static let fatal = Self(RD_KAFKA_RESP_ERR__FATAL)
    /// The message was purged from the queue before it was sent (on shutdown).
    public static let purgedFromQueue = Self(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
    /// The message was purged while in flight; it may or may not have been written.
    public static let purgedInFlight = Self(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
}

extension KafkaError {
    /// Errors after which the same operation may succeed when tried again.
    private static let retryable: Set<Int32> = Set(
        [
            RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
            RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
            RD_KAFKA_RESP_ERR__WAIT_COORD, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
            RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION,
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
            RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR__RETRY, RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR,
            RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS, RD_KAFKA_RESP_ERR__PURGE_QUEUE,
            RD_KAFKA_RESP_ERR_UNKNOWN_LEADER_EPOCH, RD_KAFKA_RESP_ERR_FENCED_LEADER_EPOCH,
        ].map(\.rawValue)
    )

    /// Maps a librdkafka response code; `context` says what the wrapper was doing.
    init(_ error: rd_kafka_resp_err_t, context: String, detail: String? = nil, file: String = #fileID, line: Int = #line) {
        let reason = detail ?? String(cString: rd_kafka_err2str(error))
        self.init(
            code: Code(error), message: "\(context): \(reason)",
            isRetryable: Self.retryable.contains(error.rawValue), isFatal: error == RD_KAFKA_RESP_ERR__FATAL,
            file: file, line: line
        )
    }

    /// Maps and destroys a librdkafka error object, which carries its own retryable/fatal flags.
    init(consuming error: OpaquePointer, context: String, file: String = #fileID, line: Int = #line) {
        defer { rd_kafka_error_destroy(error) }
        let code = rd_kafka_error_code(error)
        self.init(
            code: Code(code), message: "\(context): \(String(cString: rd_kafka_error_string(error)))",
            isRetryable: rd_kafka_error_is_retriable(error) != 0 || Self.retryable.contains(code.rawValue),
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            requiresTransactionAbort: rd_kafka_error_txn_requires_abort(error) != 0,
            file: file, line: line
        )
    }

    /// Throws when `error` is not `NO_ERROR`.
    static func check(_ error: rd_kafka_resp_err_t, _ context: @autoclosure () -> String, file: String = #fileID, line: Int = #line) throws(KafkaError) {
        guard error != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        throw KafkaError(error, context: context(), file: file, line: line)
    }

    /// Throws when `error` (a librdkafka error object) is not nil; destroys it.
    static func check(_ error: OpaquePointer?, _ context: @autoclosure () -> String, file: String = #fileID, line: Int = #line) throws(KafkaError) {
        guard let error else { return }
        throw KafkaError(consuming: error, context: context(), file: file, line: line)
    }
}
