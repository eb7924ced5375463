import ArgumentParser
import Foundation
import Kafka
import Logging
import Processing
import Synchronization

/// Throughput through the broker: one partition of distinct keys, a handler that sleeps.
struct BenchKafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-kafka")

    @Option var bootstrapServers: String
    @Option(help: "key or partition") var ordering: String = "key"
    @Option var records: Int = 10_000
    @Option var sleepMilliseconds: Int = 200
    @Option var maxInFlight: Int = 256
    @Option(help: "Records the engine holds before pausing.") var maxQueued: Int = 1024
    @Option(help: "Stop measuring after this many seconds even if records remain.") var windowSeconds: Int = 60

    /// Counts handled records and when the first started and the last finished.
    final class Meter: Sendable {
        struct State {
            var handled = 0
            var firstStart: ContinuousClock.Instant?
            var lastEnd: ContinuousClock.Instant?
        }

        let state = Mutex(State())
    }

    struct Handler: ProcessingHandler {
        let meter: Meter
        let sleep: Duration

        func handle(_ record: KafkaRecord) async throws -> [Never] {
            meter.state.withLock { $0.firstStart = $0.firstStart ?? .now }
            try await Task.sleep(for: sleep)
            meter.state.withLock {
                $0.handled += 1
                $0.lastEnd = .now
            }
            return []
        }
    }

    func run() async throws {
        let mode: ProcessingConfiguration.OrderingMode
        switch ordering {
        case "key": mode = .key
        case "partition": mode = .partition
        default: throw ValidationError("--ordering must be key or partition")
        }
        var logger = Logger(label: "bench-kafka")
        logger.logLevel = .warning
        let suffix = UInt32.random(in: 0...UInt32.max)
        let topic = "bench-engine-\(ordering)-\(suffix)"
        try await TopicLoader.load(
            bootstrapServers: bootstrapServers, topic: topic, partitions: 1, keys: records, sequences: 1, valuePadding: 100,
            logger: logger)

        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "\(topic)-group")
        consumerConfiguration.sessionTimeout = .seconds(6)
        consumerConfiguration.heartbeatInterval = .seconds(1)
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        try consumer.subscribe(topics: [topic])
        var configuration = ProcessingConfiguration()
        configuration.ordering = mode
        configuration.maxInFlightRecords = maxInFlight
        configuration.maxQueuedRecords = maxQueued
        let meter = Meter()
        let engine = ProcessingEngine(
            source: KafkaProcessingSource(consumer: consumer),
            handler: Handler(meter: meter, sleep: .milliseconds(sleepMilliseconds)), configuration: configuration,
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            while true {
                try await Task.sleep(for: .milliseconds(50))
                let (handled, firstStart) = meter.state.withLock { ($0.handled, $0.firstStart) }
                if handled >= records { break }
                if let firstStart, ContinuousClock.now - firstStart >= .seconds(windowSeconds) { break }
            }
            engine.beginShutdown()
            try await group.next()
        }
        let state = meter.state.withLock { $0 }
        guard let firstStart = state.firstStart, let lastEnd = state.lastEnd else { throw ValidationError("nothing was handled") }
        let seconds = (lastEnd - firstStart).seconds
        print(
            String(
                format: "%@ records=%d handled=%d seconds=%.2f records/s=%.1f", ordering, records, state.handled, seconds,
                Double(state.handled) / seconds))
        try? await KafkaAdmin(bootstrapServers: bootstrapServers, logger: logger).deleteTopic(topic)
    }
}
