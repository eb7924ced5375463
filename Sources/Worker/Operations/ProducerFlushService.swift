import Kafka
import Logging
import Observability
import ServiceLifecycle

/// Stops the worker when the producer fails fatally, and flushes the producer when the worker
/// shuts down, after the engine has drained.
///
/// After a fatal error (``KafkaProducer/fatalError``) the producer delivers nothing more: every
/// capture would be retried in place for good while the worker looked healthy. Throwing stops the
/// group instead (the process exits non-zero), and a restarted worker resumes from the committed
/// offsets with a new producer; nothing whose outputs were not delivered was committed.
///
/// In the exactly-once mode the transactional outbox stops the worker on a fatal error already
/// (`watchesFatalErrors` false): one critical line for it, not two.
struct ProducerFlushService: Service {
    let producer: KafkaProducer
    var timeout: Duration = .seconds(15)
    var watchesFatalErrors = true
    /// How often the producer is asked for a fatal error.
    var checkInterval: Duration = .seconds(1)
    let logger: Logger

    func run() async throws {
        guard watchesFatalErrors else {
            try? await gracefulShutdown()
            return try await producer.flush(timeout: timeout)
        }
        let watched: KafkaError? = await cancelWhenGracefulShutdown { [producer, checkInterval] in
            while !Task.isCancelled {
                if let fatal = producer.fatalError { return fatal }
                try? await Task.sleep(for: checkInterval)
            }
            return nil
        }
        // Once more on shutdown: a fatal error since the last check must not pass for a clean stop.
        if let fatal = watched ?? producer.fatalError {
            logger.critical(
                "the Kafka producer failed fatally; the worker stops and resumes from its committed offsets on restart",
                metadata: [WorkerLoggingKeys.errorCode: "\(fatal.code)", WorkerLoggingKeys.error: "\(fatal.message)"])
            throw fatal
        }
        try await producer.flush(timeout: timeout)
    }
}
