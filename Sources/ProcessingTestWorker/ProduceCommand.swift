import ArgumentParser
import Logging

/// Creates a topic and fills it with ordered records per key (see ``TopicLoader``).
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "produce")

    @Option var bootstrapServers: String
    @Option var topic: String
    @Option var partitions: Int = 4
    @Option var keys: Int
    @Option var sequences: Int

    func run() async throws {
        var logger = Logger(label: "processing-test-worker.produce")
        logger.logLevel = .warning
        try await TopicLoader.load(
            bootstrapServers: bootstrapServers, topic: topic, partitions: partitions, keys: keys, sequences: sequences,
            logger: logger)
    }
}
