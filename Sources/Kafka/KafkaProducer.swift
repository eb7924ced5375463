import CRdKafka
import Logging

/// A producer over librdkafka; idempotent by default (`enable.idempotence=true`, `acks=all`).
///
/// A dedicated poll thread serves delivery reports. Dropping the producer flushes what is outstanding
/// (up to 10 s) on that thread; call ``flush(timeout:)`` on shutdown to wait for it explicitly.
public final class KafkaProducer: Sendable {
    let core: ProducerCore

    /// Creates the producer and starts its poll thread.
    /// - Parameter statisticsHandler: receives librdkafka's statistics every
    ///   ``KafkaProducerConfiguration/statisticsInterval`` on the poll thread; keep it short.
    public init(
        configuration: KafkaProducerConfiguration, logger: Logger,
        statisticsHandler: (@Sendable (KafkaStatistics) -> Void)? = nil
    ) throws {
        core = try ProducerCore(configuration: configuration, logger: logger, statisticsHandler: statisticsHandler)
    }

    deinit {
        core.stop()
    }

    /// Produces `record` and returns after the broker acknowledged it (per `acks`), with its partition and
    /// offset; throws the delivery error otherwise. Waits politely while librdkafka's local queue is full.
    /// Once librdkafka accepted the record, cancellation does not stop it: the call returns its outcome.
    public func send(_ record: KafkaOutgoingRecord) async throws -> KafkaDeliveryReport {
        try await send([record])[0]
    }

    /// Produces `records` in this order (so records with the same key keep it) and returns their
    /// delivery reports in the same order, after all were acknowledged. Throws the first delivery error;
    /// the other records may have been delivered.
    public func send(_ records: [KafkaOutgoingRecord]) async throws -> [KafkaDeliveryReport] {
        guard !records.isEmpty else { return [] }
        try core.ensureOpen("send")
        let batch = DeliveryBatch(count: records.count)
        await core.enqueue(records, into: batch)
        return try await batch.wait()
    }

    /// Waits until every outstanding record was delivered or failed; throws `timedOut` if some remain.
    public func flush(timeout: Duration) async throws {
        try await core.client.runBlocking { handle throws(KafkaError) in
            try KafkaError.check(rd_kafka_flush(handle, timeout.timeoutMilliseconds), "flush")
        }
    }

    /// Records produced but not yet acknowledged (plus other outstanding requests).
    public var outstandingCount: Int { Int(rd_kafka_outq_len(core.client.handle)) }

    /// The fatal error librdkafka raised (an idempotent producer whose sequence cannot be
    /// repaired, a fenced transactional producer), after which this producer delivers nothing
    /// more and must be recreated; `nil` while it works.
    public var fatalError: KafkaError? { core.client.fatalError }

    /// Makes librdkafka raise a fatal error as if the broker had caused one
    /// (`rd_kafka_test_fatal_error`), for tests of what follows it.
    package func raiseFatalErrorForTesting(_ reason: String) {
        _ = rd_kafka_test_fatal_error(core.client.handle, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, reason)
    }
}
