import ArgumentParser
import Foundation
import Kafka
import Logging
import Worker
import WorkerSettings

/// The Kafka settings the operator tools share with the worker: the same environment variables,
/// the same defaults.
struct ToolEnvironment {
    var kafka: WorkerConfiguration.Kafka

    static func load() throws -> ToolEnvironment {
        let environment = ProcessInfo.processInfo.environment
        guard let servers = environment["KAFKA_BOOTSTRAP_SERVERS"], !servers.isEmpty else {
            throw ValidationError("KAFKA_BOOTSTRAP_SERVERS is not set. Fix: set it to the broker list, e.g. 127.0.0.1:9092")
        }
        var kafka = WorkerConfiguration.Kafka(bootstrapServers: servers)
        if let topic = environment["CAPTURE_TOPIC"], !topic.isEmpty { kafka.captureTopic = topic }
        if let topic = environment["RESULT_TOPIC"], !topic.isEmpty { kafka.resultTopic = topic }
        if let topic = environment["STATUS_TOPIC"], !topic.isEmpty { kafka.statusTopic = topic }
        if let topic = environment["RESULT_V1_TOPIC"], !topic.isEmpty { kafka.resultV1Topic = topic }
        if let topic = environment["DEAD_LETTER_TOPIC"], !topic.isEmpty { kafka.deadLetterTopic = topic }
        return ToolEnvironment(kafka: kafka)
    }

    /// A producer for the operator tools: idempotent, large records allowed.
    func makeProducer() throws -> KafkaProducer {
        var logger = Logger(label: "vlens-worker.tool")
        logger.logLevel = .warning
        var configuration = KafkaProducerConfiguration(bootstrapServers: kafka.bootstrapServers)
        configuration.messageMaxBytes = 64 << 20
        return try KafkaProducer(configuration: configuration, logger: logger)
    }
}
