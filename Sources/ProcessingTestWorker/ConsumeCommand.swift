import ArgumentParser
import Kafka
import Logging
import Processing
import ServiceLifecycle

/// Joins a group and handles records slowly, logging each handled record, until SIGTERM.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "consume")

    @Option var bootstrapServers: String
    @Option var topic: String
    @Option var group: String
    @Option(help: "File the handled records are appended to.") var handledLog: String
    @Option var instance: String
    @Option(help: "Milliseconds each record takes.") var sleepMilliseconds: Int = 50
    @Option var maxInFlight: Int = 64

    struct Handler: ProcessingHandler {
        let log: HandledLog
        let instance: String
        let sleep: Duration

        func handle(_ record: KafkaRecord) async throws -> [Never] {
            try await Task.sleep(for: sleep)
            let key = String(decoding: record.key ?? [], as: UTF8.self)
            let value = String(decoding: record.value, as: UTF8.self)
            log.append("\(instance) \(record.partition) \(record.offset) \(key) \(value)")
            return []
        }
    }

    func run() async throws {
        var logger = Logger(label: "processing-test-worker.\(instance)")
        logger.logLevel = .notice
        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: group)
        consumerConfiguration.sessionTimeout = .seconds(6)
        consumerConfiguration.heartbeatInterval = .seconds(1)
        consumerConfiguration.clientID = instance
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        try consumer.subscribe(topics: [topic])
        var configuration = ProcessingConfiguration()
        configuration.maxInFlightRecords = maxInFlight
        configuration.commitInterval = .milliseconds(200)
        let engine = ProcessingEngine(
            source: KafkaProcessingSource(consumer: consumer),
            handler: Handler(log: try HandledLog(path: handledLog), instance: instance, sleep: .milliseconds(sleepMilliseconds)),
            configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: engine)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
