import CRdKafka
import Logging

/// A consumer-group member over librdkafka.
///
/// Records and rebalance notifications arrive in one ordered stream, ``events``. A dedicated poll thread
/// (never the cooperative pool) serves librdkafka and keeps polling while partitions are paused, so a
/// slow application keeps its group membership. Offsets are committed only when the application says so.
///
/// ```swift
/// let consumer = try KafkaConsumer(configuration: config, logger: logger)
/// try consumer.subscribe(topics: ["capture-submitted"])
/// for try await event in consumer.events {
///     switch event {
///     case .record(let record): ...; try await consumer.commit([record.topicPartition: record.offset + 1])
///     case .assigned(let partitions): ...
///     case .revoked(let revocation): finishWork(revocation.partitions); revocation.acknowledge()
///     }
/// }
/// try await consumer.close()
/// ```
public final class KafkaConsumer: Sendable {
    let core: ConsumerCore

    /// Creates the consumer and starts its poll thread.
    /// - Parameter statisticsHandler: receives librdkafka's statistics every
    ///   ``KafkaConsumerConfiguration/statisticsInterval`` on the poll thread; keep it short.
    public init(
        configuration: KafkaConsumerConfiguration, logger: Logger,
        statisticsHandler: (@Sendable (KafkaStatistics) -> Void)? = nil
    ) throws {
        core = try ConsumerCore(configuration: configuration, logger: logger, statisticsHandler: statisticsHandler)
    }

    deinit {
        core.requestClose()
    }

    /// Joins the group and subscribes to `topics` (replacing any earlier subscription).
    public func subscribe(topics: [String]) throws {
        guard !topics.isEmpty else { throw KafkaError(code: .invalidArgument, message: "subscribe needs at least one topic") }
        try core.ensureOpen("subscribe")
        let list = RDKafkaTopicPartitionList(capacity: topics.count)
        for topic in topics { list.add(KafkaTopicPartition(topic: topic, partition: -1), offset: RDKafkaOffset.invalid) }
        try KafkaError.check(list.withPointer { rd_kafka_subscribe(core.client.handle, $0) }, "subscribe")
    }

    /// Records, assignments and revocations, in order. Iterate it from one task at a time.
    /// The stream ends after ``close()``, or throws a fatal ``KafkaError``.
    public var events: KafkaConsumerEvents { KafkaConsumerEvents(core: core) }

    /// The partitions currently assigned to this consumer.
    public var assignment: Set<KafkaTopicPartition> { core.assignment }

    /// Stops delivery from `partitions`. Records of them still in the buffer are withheld and delivered
    /// again after ``resume(_:)``. The poll loop keeps running.
    public func pause(_ partitions: [KafkaTopicPartition]) {
        core.pause(Set(partitions))
    }

    /// Restarts delivery from `partitions` where it stopped.
    public func resume(_ partitions: [KafkaTopicPartition]) {
        core.resume(Set(partitions))
    }

    /// Moves assigned partitions to `offsets` (the next offset to read). Buffered records of them are
    /// dropped. Non-blocking: the move takes effect on the next fetch.
    public func seek(_ offsets: [KafkaTopicPartition: Int64]) throws {
        try core.seek(offsets)
    }

    /// Leaves the group cleanly (its partitions move at once) and ends ``events``.
    ///
    /// Finish and commit in-flight work first: the final revoke does not wait for an acknowledgement.
    public func close() async throws {
        if let error = await core.close() { throw error }
    }
}
