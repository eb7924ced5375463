import CRdKafka

extension KafkaProducer {
    /// Registers the `transactional.id` with the coordinator and fences older producers with the same id.
    /// Call once, before the first transaction.
    public func initTransactions() async throws {
        try await transactionCall("initTransactions") { rd_kafka_init_transactions($0, $1) }
    }

    /// Starts a transaction; records sent until commit or abort belong to it.
    public func beginTransaction() throws {
        try KafkaError.check(rd_kafka_begin_transaction(core.client.handle), "beginTransaction")
    }

    /// Adds a consumer's offsets (next offsets to read) to the transaction, so they commit with its records.
    public func sendOffsetsToTransaction(_ offsets: [KafkaTopicPartition: Int64], groupMetadata: KafkaConsumerGroupMetadata) async throws {
        guard !offsets.isEmpty else { return }
        try await transactionCall("sendOffsetsToTransaction") { handle, timeout in
            RDKafkaTopicPartitionList(offsets).withPointer {
                rd_kafka_send_offsets_to_transaction(handle, $0, groupMetadata.pointer, timeout)
            }
        }
    }

    /// Flushes and commits the transaction. On an error with `requiresTransactionAbort`, call ``abortTransaction()``.
    public func commitTransaction() async throws {
        try await transactionCall("commitTransaction") { rd_kafka_commit_transaction($0, $1) }
    }

    /// Aborts the transaction: its records are marked aborted and its offsets are not committed.
    public func abortTransaction() async throws {
        try await transactionCall("abortTransaction") { rd_kafka_abort_transaction($0, $1) }
    }

    /// Runs a blocking transaction call with the configured operation timeout.
    private func transactionCall(_ operation: String, _ call: @escaping @Sendable (OpaquePointer, Int32) -> OpaquePointer?) async throws {
        let timeout = core.configuration.transactionOperationTimeout.timeoutMilliseconds
        try await core.client.runBlocking { handle throws(KafkaError) in
            try KafkaError.check(call(handle, timeout), operation)
        }
    }
}
