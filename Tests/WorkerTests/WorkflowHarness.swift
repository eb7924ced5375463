import Foundation
import Kafka
import Logging
import Prometheus
import Synchronization
import TestSupport
import Testing
import Verification
import VlensSimulator
import Worker
import WorkerSettings

/// Which store an end-to-end test runs the worker on.
enum WorkflowStore: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// One end-to-end test's world: fresh topics on the real broker, an embedded Vlens simulator on
/// a real socket, a store on a real engine, and the worker itself running in-process.
struct WorkflowHarness: WorkflowWorld {
    static let apiKey = "e2e-api-key"

    let servers: String
    let captureTopic: String
    let resultTopic: String
    let deadLetterTopic: String
    let simulator: VlensSimulatorServer
    let producer: KafkaProducer
    let results: TopicCollector
    let deadLetters: TopicCollector
    /// The worker's environment: tests may start more instances with it.
    let environment: [String: String]
    /// The metrics of the worker `run` starts.
    let registry = PrometheusCollectorRegistry()

    /// Sets everything up, runs one worker, runs `body`, and tears it all down.
    static func run<T: Sendable>(
        store: WorkflowStore = .sqlite,
        partitions: Int = 3,
        faults: SimulatorFaults = SimulatorFaults(rateLimit: .unlimited),
        environment extra: [String: String] = [:],
        startWorker: Bool = true,
        bootstrapServers: String? = nil,
        deadLetterTopicConfig: [String: String] = [:],
        _ body: @Sendable (WorkflowHarness) async throws -> T
    ) async throws -> T {
        let servers = try bootstrapServers ?? TestEnvironment.kafkaBootstrapServers()
        let prefix = TestEnvironment.uniqueName("e2e")
        let logger = Logger(label: "e2e")
        for suffix in ["captures", "results", "status", "dlq"] {
            try await TestTopics.create("\(prefix).\(suffix)", partitions: partitions, servers: servers, config: suffix == "dlq" ? deadLetterTopicConfig : [:])
        }
        return try await VlensSimulatorServer.withRunning(configuration: simulatorConfiguration(faults)) { simulator, baseURL in
            try await withStoreURL(store) { storeURL in
                var environment = workerEnvironment(servers: servers, prefix: prefix, vlensURL: baseURL, storeURL: storeURL)
                environment.merge(extra) { _, new in new }
                var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: servers)
                producerConfiguration.messageMaxBytes = 32 << 20
                let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
                let results = try TopicCollector(servers: servers, topic: "\(prefix).results")
                let deadLetters = try TopicCollector(servers: servers, topic: "\(prefix).dlq")
                let harness = WorkflowHarness(
                    servers: servers, captureTopic: "\(prefix).captures", resultTopic: "\(prefix).results",
                    deadLetterTopic: "\(prefix).dlq", simulator: simulator, producer: producer,
                    results: results, deadLetters: deadLetters, environment: environment
                )
                let value = try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await results.run() }
                    group.addTask { try await deadLetters.run() }
                    if startWorker {
                        group.addTask { try await harness.runWorker(registry: harness.registry) }
                    }
                    defer { group.cancelAll() }
                    return try await body(harness)
                }
                try await harness.expectValid([("verification-result", results.records)])
                return value
            }
        }
    }


    /// The simulator of a test world: the harness's API key and one user token (alice).
    static func simulatorConfiguration(_ faults: SimulatorFaults) -> SimulatorConfiguration {
        SimulatorConfiguration(
            apiKeys: [apiKey], tokens: [SimulatorToken(token: "user-token-alice", emailOrPhoneNumber: "alice@example.com")], faults: faults)
    }

    /// The environment of a worker in a test world: its topics (named after `prefix`), the
    /// simulator, the store, short timeouts, and a test encryption key.
    static func workerEnvironment(servers: String, prefix: String, vlensURL: String, storeURL: String) -> [String: String] {
        [
            "KAFKA_BOOTSTRAP_SERVERS": servers,
            "KAFKA_GROUP_ID": "\(prefix)-worker",
            "KAFKA_SESSION_TIMEOUT_MS": "6000",
            "CAPTURE_TOPIC": "\(prefix).captures",
            "RESULT_TOPIC": "\(prefix).results",
            "STATUS_TOPIC": "\(prefix).status",
            "DEAD_LETTER_TOPIC": "\(prefix).dlq",
            "VLENS_BASE_URL": vlensURL,
            "VLENS_API_KEY": apiKey,
            "VLENS_RATE_LIMIT_RPS": "unlimited",
            "VLENS_RATE_LIMIT_RPM": "unlimited",
            "VLENS_RETRY_BASE_DELAY_MS": "50",
            "VLENS_RETRY_MAX_DELAY_MS": "1000",
            "VLENS_REQUEST_TIMEOUT_MS": "5000",
            "BREAKER_PROBE_INTERVAL_MS": "1000",
            "COMMIT_INTERVAL_MS": "200",
            "DRAIN_TIMEOUT_MS": "5000",
            "STORE_URL": storeURL,
            "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": "0",
            "INCLUDE_EXTRACTED_DATA": "true",
            "STORE_ENCRYPTION_KEYS": "e2e:" + Data(repeating: 7, count: 32).base64EncodedString(),
        ]
    }


    static func withStoreURL<T: Sendable>(_ store: WorkflowStore, _ body: @Sendable (String) async throws -> T) async throws -> T {
        switch store {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            return try await body("sqlite:\(directory.appendingPathComponent("worker.sqlite").path)")
        case .postgres:
            return try await PostgresTestDatabase.withFresh(body)
        }
    }

    /// Runs one worker instance in-process until cancelled.
    ///
    /// - Parameters:
    ///   - onStart: receives the application (for its health) before it runs.
    ///   - onHTTPRunning: receives the operations server's port.
    func runWorker(
        environment extra: [String: String] = [:],
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        onStart: @Sendable (WorkerApplication) -> Void = { _ in },
        onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let configuration = try await WorkerConfiguration.load(environment: environment.merging(extra) { _, new in new })
        var logger = Logger(label: "worker")
        // TEST_WORKER_LOG_LEVEL=info (or debug) shows what the worker logs while a test runs.
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_WORKER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let application = WorkerApplication(configuration: configuration, logger: logger, registry: registry)
        onStart(application)
        try await application.run(handleSignals: false, onHTTPRunning: onHTTPRunning)
    }

    /// Publishes a capture as a platform would: keyed by transaction id, with CloudEvents headers.
    /// `partition` overrides the key's partition (to spread a test's load evenly).
    func submit(_ capture: CaptureSubmitted, traceparent: String? = nil, partition: Int32? = nil) async throws {
        let headers = capture.cloudEventHeaders(source: "/e2e", traceparent: traceparent).messageHeaders
        _ = try await producer.send(KafkaOutgoingRecord(
            topic: captureTopic,
            partition: partition,
            key: Array(capture.transactionId.utf8),
            value: try capture.encodedJSON(),
            headers: headers.map { KafkaHeader(key: $0.name, value: $0.value) }
        ))
    }

    /// Publishes raw bytes to the capture topic (poison input).
    func submitRaw(key: String?, value: [UInt8], headers: [KafkaHeader] = []) async throws {
        _ = try await producer.send(KafkaOutgoingRecord(topic: captureTopic, key: key.map { Array($0.utf8) }, value: value, headers: headers))
    }

    /// Waits until the worker group's committed offset of a capture partition reaches `atLeast`;
    /// returns the last committed offset seen (-1 for none).
    func waitForCommittedOffset(partition: Int32, atLeast: Int64, timeout: Duration) async throws -> Int64 {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: servers, groupID: environment["KAFKA_GROUP_ID"] ?? "")
        configuration.sessionTimeout = .seconds(6)
        var logger = Logger(label: "committed")
        logger.logLevel = .warning
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        let topicPartition = KafkaTopicPartition(topic: captureTopic, partition: partition)
        let deadline = ContinuousClock.now + timeout
        var committed: Int64 = -1
        repeat {
            committed = (try? await consumer.committed([topicPartition]))?[topicPartition] ?? -1
            if committed >= atLeast { break }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        try? await consumer.close()
        return committed
    }

}

/// Records of one topic as a test sees them arrive, with their arrival times.
class ReceivedRecords: @unchecked Sendable {
    // Safe: all state is behind the mutex.
    private let received = Mutex<[(record: KafkaRecord, at: ContinuousClock.Instant)]>([])
    let topic: String

    init(topic: String) {
        self.topic = topic
    }

    var records: [KafkaRecord] { received.withLock { $0.map(\.record) } }

    func append(_ record: KafkaRecord) {
        received.withLock { $0.append((record, .now)) }
    }

    /// When the first record matching `predicate` arrived.
    func firstArrival(where predicate: (KafkaRecord) -> Bool) -> ContinuousClock.Instant? {
        received.withLock { $0.first { predicate($0.record) }?.at }
    }

    func waitFor(count: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if records.count >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("\(topic): \(records.count) records arrived, \(count) expected within \(timeout)")
    }
}

/// Reads a topic from the beginning in the background and keeps every record.
final class TopicCollector: ReceivedRecords, @unchecked Sendable {
    private let consumer: KafkaConsumer

    init(servers: String, topic: String) throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: servers, groupID: TestEnvironment.uniqueName("collector"))
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .seconds(1)
        configuration.autoOffsetReset = .earliest
        var logger = Logger(label: "collector")
        logger.logLevel = .warning
        consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        super.init(topic: topic)
    }

    func run() async throws {
        try consumer.subscribe(topics: [topic])
        for try await event in consumer.events {
            switch event {
            case .record(let record): append(record)
            case .revoked(let revocation): revocation.acknowledge()
            case .assigned: break
            }
        }
    }
}
