import ArgumentParser
import Kafka
import Logging

/// `vlens-worker topics`: creates the capture, result, status (compacted) and dead-letter topics if
/// they are missing.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create the capture, result, status (compacted) and dead-letter topics (KAFKA_BOOTSTRAP_SERVERS, CAPTURE_TOPIC, RESULT_TOPIC, STATUS_TOPIC, DEAD_LETTER_TOPIC)."
    )

    @Option(help: "Partitions for each topic.")
    var partitions: Int = 6

    @Option(help: "Replication factor.")
    var replicationFactor: Int = 1

    func run() async throws {
        let environment = try ToolEnvironment.load()
        var logger = Logger(label: "vlens-worker.topics")
        logger.logLevel = .warning
        let admin = try KafkaAdmin(bootstrapServers: environment.kafka.bootstrapServers, logger: logger)
        let kafka = environment.kafka
        let compacted = ["cleanup.policy": "compact"]
        let v1: [(String, [String: String])] = kafka.resultV1Topic.map { [($0, [:])] } ?? []
        for (topic, config) in [(kafka.captureTopic, [:]), (kafka.resultTopic, [:]), (kafka.statusTopic, compacted), (kafka.deadLetterTopic, [:])] + v1 {
            if let existing = try? await admin.describeTopic(topic) {
                print("\(topic): exists (\(existing.partitionCount) partitions)")
                continue
            }
            try await admin.createTopic(topic, partitions: partitions, replicationFactor: replicationFactor, config: config)
            print("\(topic): created (\(partitions) partitions\(config.isEmpty ? "" : ", cleanup.policy=compact"))")
        }
    }
}
