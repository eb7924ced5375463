import Kafka
import Logging
import Observability
import ServiceLifecycle
import Workflow
import WorkerSettings

/// Learns how large a dead letter may be from the dead-letter topic's `max.message.bytes`
/// (DescribeConfigs) once the worker runs, unless `DEAD_LETTER_MAX_VALUE_BYTES` is set
/// (``DeadLetterLimit``). Until the broker says, or when it never does (librdkafka's mock cluster
/// does not answer DescribeConfigs), dead letters use the fallback: start-up never waits for it.
struct DeadLetterLimitProbe: Service {
    let admin: KafkaAdmin
    let topic: String
    let configured: Int?
    let producerMaxMessageBytes: Int
    let limit: DeadLetterValueLimit
    let metrics: WorkerMetrics
    let logger: Logger

    func run() async throws {
        metrics.recordDeadLetterValueLimit(bytes: limit.bytes)
        if configured == nil {
            do {
                let configuration = try await admin.describeTopicConfiguration(topic, timeout: .seconds(5))
                let topicLimit = configuration["max.message.bytes"].flatMap { Int($0) }
                limit.set(DeadLetterLimit.valueBytes(configured: nil, topicMaxMessageBytes: topicLimit, producerMaxMessageBytes: producerMaxMessageBytes))
                metrics.recordDeadLetterValueLimit(bytes: limit.bytes)
                logger.info("dead letters carry values up to this many bytes", metadata: ["bytes": "\(limit.bytes)", "from": "\(topicLimit != nil ? "the dead-letter topic's max.message.bytes" : "the fallback")"])
            } catch {
                logger.warning(
                    "cannot read the dead-letter topic's max.message.bytes; dead letters carry values up to the fallback (set DEAD_LETTER_MAX_VALUE_BYTES to choose)",
                    metadata: ["error": "\(error)", "bytes": "\(limit.bytes)"])
            }
        }
        try? await gracefulShutdown()
    }
}
