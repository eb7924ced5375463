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
        try core.ensureOpen("send")
        while true {
            let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProducerCore.SendOutcome, any Error>) in
                let context = Unmanaged.passRetained(DeliveryContext(continuation: continuation, topic: record.topic))
                guard let error = core.produce(record, opaque: context.toOpaque()) else { return }
                context.release()  // librdkafka refused it: no delivery report will come
                let wrapped = KafkaError(consuming: error, context: "produce to \(record.topic)")
                if wrapped.code == .queueFull {
                    continuation.resume(returning: .queueFull)
                } else {
                    continuation.resume(throwing: wrapped)
                }
            }
            switch outcome {
            case .delivered(let report): return report
            case .queueFull: try await Task.sleep(for: .milliseconds(5))
            }
        }
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
