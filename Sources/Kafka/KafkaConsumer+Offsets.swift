import CRdKafka
import Foundation

extension KafkaConsumer {
    /// Commits `offsets` (per partition, the next offset to read: last processed + 1) and returns once the
    /// group coordinator stored them. Works during a revoke, before ``KafkaRevocation/acknowledge()``.
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws {
        guard !offsets.isEmpty else { return }
        try core.ensureOpen("commit")
        try await core.client.runBlocking { handle throws(KafkaError) in
            try Self.commitBlocking(handle, offsets)
        }
    }

    /// Commits `offsets` without waiting. The result goes to `onCompletion` (on a background thread);
    /// failures are also logged.
    public func commitAsync(
        _ offsets: [KafkaTopicPartition: Int64],
        onCompletion: (@Sendable (Result<Void, KafkaError>) -> Void)? = nil
    ) {
        guard !offsets.isEmpty else {
            onCompletion?(.success(()))
            return
        }
        let client = core.client
        client.runDetached { handle in
            let result = Result { () throws(KafkaError) in try Self.commitBlocking(handle, offsets) }
            if case .failure(let error) = result {
                client.logger.warning("asynchronous commit failed", metadata: [KafkaLoggingKeys.error: "\(error.code)"])
            }
            onCompletion?(result)
        }
    }

    /// The group's committed offsets for `partitions` (the next offset to read); partitions without a
    /// committed offset are absent.
    public func committed(_ partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)) async throws -> [KafkaTopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        try core.ensureOpen("committed")
        return try await core.client.runBlocking { handle throws(KafkaError) in
            let list = RDKafkaTopicPartitionList(partitions)
            try KafkaError.check(rd_kafka_committed(handle, list.pointer, timeout.timeoutMilliseconds), "committed")
            if let error = list.partitionError(context: "committed") { throw error }
            return Dictionary(uniqueKeysWithValues: list.entries.filter { $0.offset >= 0 }.map { ($0.topicPartition, $0.offset) })
        }
    }

    /// For each partition, the offset of the first record whose timestamp is at or after the given time.
    /// Partitions with no such record are absent.
    public func offsetsForTimes(_ times: [KafkaTopicPartition: Date], timeout: Duration = .seconds(10)) async throws -> [KafkaTopicPartition: Int64] {
        guard !times.isEmpty else { return [:] }
        try core.ensureOpen("offsetsForTimes")
        let query = times.mapValues { Int64(($0.timeIntervalSince1970 * 1000).rounded(.down)) }
        return try await core.client.runBlocking { handle throws(KafkaError) in
            let list = RDKafkaTopicPartitionList(query)
            try KafkaError.check(rd_kafka_offsets_for_times(handle, list.pointer, timeout.timeoutMilliseconds), "offsetsForTimes")
            if let error = list.partitionError(context: "offsetsForTimes") { throw error }
            return Dictionary(uniqueKeysWithValues: list.entries.filter { $0.offset >= 0 }.map { ($0.topicPartition, $0.offset) })
        }
    }

    /// The consumer's group metadata, for ``KafkaProducer/sendOffsetsToTransaction(_:groupMetadata:)``.
    public func groupMetadata() throws -> KafkaConsumerGroupMetadata {
        try core.ensureOpen("groupMetadata")
        guard let metadata = rd_kafka_consumer_group_metadata(core.client.handle) else {
            throw KafkaError(code: .state, message: "the consumer has no group metadata; is group.id set and the consumer subscribed?")
        }
        return KafkaConsumerGroupMetadata(metadata)
    }

    /// A blocking commit that reports per-partition errors.
    private static func commitBlocking(_ handle: OpaquePointer, _ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        let list = RDKafkaTopicPartitionList(offsets)
        let outcome = CommitOutcome()
        // A nil queue makes librdkafka wait for the result and call the callback in this call.
        let error = list.withPointer { rd_kafka_commit_queue(handle, $0, nil, { _, error, partitions, opaque in
            guard let opaque else { return }
            let outcome = Unmanaged<CommitOutcome>.fromOpaque(opaque).takeUnretainedValue()
            outcome.error = error
            outcome.partitionError = partitions.flatMap { RDKafkaTopicPartitionList(borrowing: $0).partitionError(context: "commit") }
        }, Unmanaged.passUnretained(outcome).toOpaque()) }
        try withExtendedLifetime(outcome) { () throws(KafkaError) in
            if let partitionError = outcome.partitionError { throw partitionError }
            try KafkaError.check(outcome.error ?? error, "commit")
        }
    }
}

/// The result a commit callback leaves for the thread that made the (blocking) commit call.
private final class CommitOutcome {
    var error: rd_kafka_resp_err_t?
    var partitionError: KafkaError?
}
