import Kafka
import ServiceLifecycle

/// Flushes the producer when the worker shuts down, after the engine has drained.
struct ProducerFlushService: Service {
    let producer: KafkaProducer
    var timeout: Duration = .seconds(15)

    func run() async throws {
        try? await gracefulShutdown()
        try await producer.flush(timeout: timeout)
    }
}
