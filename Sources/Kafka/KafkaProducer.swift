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
}
