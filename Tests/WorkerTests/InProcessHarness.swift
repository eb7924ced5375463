import AsyncHTTPClient
import Foundation
import Kafka
import Logging
import Processing
import ProcessingTesting
import Prometheus
import Store
import Testing
import Verification
import VlensSimulator
@testable import Worker
import Observability
import Workflow
import WorkerSettings

/// One test's world without a broker: an in-memory capture log feeding the processing engine and
/// the worker's real capture handler (and parking lot and resumer), a store on a real engine, the
/// simulator over real sockets, and the handler's outputs kept in memory per topic.
///
/// It offers the calls of ``WorkflowHarness`` the behaviour tests use, so a test moves between the
/// two by changing the harness it runs in.
struct InProcessHarness: WorkflowWorld {
    let captureTopic: String
    /// The worker's `STORE_URL`.
    var storeURL = ""
    let simulator: VlensSimulatorServer
    let log: InMemoryLog
    let results: ReceivedRecords
    /// Status records (the compacted status topic), in the order delivered.
    let statuses: ReceivedRecords
    /// The deprecated v1 results (`RESULT_V1_TOPIC`), when configured.
    let resultsV1: ReceivedRecords
    let deadLetters: ReceivedRecords
    let registry = PrometheusCollectorRegistry()

    /// Sets everything up, runs the engine and the resumer, runs `body`, and tears it all down.
    static func run<T: Sendable>(
        store: WorkflowStore = .sqlite,
        partitions: Int = 3,
        faults: SimulatorFaults = SimulatorFaults(rateLimit: .unlimited),
        environment extra: [String: String] = [:],
        _ body: @Sendable (InProcessHarness) async throws -> T
    ) async throws -> T {
        try await VlensSimulatorServer.withRunning(configuration: WorkflowHarness.simulatorConfiguration(faults)) { simulator, baseURL in
            try await WorkflowHarness.withStoreURL(store) { storeURL in
                let environment = WorkflowHarness.workerEnvironment(servers: "in-process:9092", prefix: "in-process", vlensURL: baseURL, storeURL: storeURL)
                let configuration = try await WorkerConfiguration.load(environment: environment.merging(extra) { $1 })
                let kafka = configuration.kafka
                var harness = InProcessHarness(
                    captureTopic: kafka.captureTopic, simulator: simulator, log: InMemoryLog(topic: kafka.captureTopic, partitionCount: partitions),
                    results: ReceivedRecords(topic: kafka.resultTopic), statuses: ReceivedRecords(topic: kafka.statusTopic),
                    resultsV1: ReceivedRecords(topic: kafka.resultV1Topic ?? "-"),
                    deadLetters: ReceivedRecords(topic: kafka.deadLetterTopic))
                harness.storeURL = storeURL
                let value = try await harness.running(configuration) { try await body(harness) }
                try await harness.expectValid([
                    ("verification-result", harness.results.records), ("verification-status", harness.statuses.records),
                    ("verification-result.v1", harness.resultsV1.records),
                ])
                return value
            }
        }
    }

    /// Runs the worker (the application's own builder, over the in-memory log) while `body` runs.
    private func running<T: Sendable>(_ configuration: WorkerConfiguration, _ body: () async throws -> T) async throws -> T {
        var logger = Logger(label: "in-process-worker")
        logger.logLevel = .warning
        let application = WorkerApplication(configuration: configuration, logger: logger, registry: registry)
        let delivery = CaptureDelivery.sink { [results, statuses, resultsV1, deadLetters] outputs in
            for output in outputs {
                let received = [results, statuses, resultsV1].first { $0.topic == output.topic } ?? deadLetters
                received.append(
                    KafkaRecord(topic: output.topic, partition: 0, offset: 0, key: output.key, value: output.value, headers: output.headers))
            }
        }
        let log = self.log
        let worker = try await application.makeServiceGroup(
            captures: { lot in
                ParkingObservedSource(base: InMemoryProcessingSource(log: log), lot: lot) { outputs, record in
                    try await delivery.deliver(outputs, for: record.kafkaRecord, crashPoint: nil)
                }
            },
            delivery: delivery)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            defer { group.cancelAll() }
            // The store's migration is start-up, not what a test times: under a full parallel pass a
            // PostgreSQL store took 25 s to be ready (0.7 s alone), past a 30 s wait begun at once.
            try await Self.waitForStore(application.health, within: .seconds(120))
            return try await body()
        }
    }

    /// Waits until the worker's store is migrated (health reports it reachable); records an issue past `timeout`.
    private static func waitForStore(_ health: WorkerHealth, within timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !health.snapshot.storeReachable {
            guard ContinuousClock.now < deadline else {
                Issue.record("the worker's store was not ready within \(timeout)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Appends a capture as a platform would publish it: keyed by transaction id, with CloudEvents
    /// headers; in the key's partition unless `partition` says otherwise.
    func submit(_ capture: CaptureSubmitted, traceparent: String? = nil, tracestate: String? = nil, partition: Int32? = nil) async throws {
        let headers = capture.cloudEventHeaders(source: "/in-process", traceparent: traceparent, tracestate: tracestate).messageHeaders
        let key = Array(capture.transactionId.utf8)
        log.append(
            partition: partition ?? partitionOf(key), key: key, value: try capture.encodedJSON(),
            headers: headers.map { KafkaHeader(key: $0.name, value: $0.value) })
    }

    /// Appends raw bytes to the capture log (poison input).
    func submitRaw(key: String?, value: [UInt8], headers: [KafkaHeader] = []) async throws {
        let key = key.map { Array($0.utf8) }
        log.append(partition: key.map(partitionOf) ?? 0, key: key, value: value, headers: headers)
    }

    /// Waits until the engine committed at least `atLeast` on the capture partition (the next offset to read).
    func waitForCommittedOffset(partition: Int32, atLeast: Int64, timeout: Duration) async throws -> Int64 {
        let topicPartition = KafkaTopicPartition(topic: captureTopic, partition: partition)
        let deadline = ContinuousClock.now + timeout
        var committed: Int64 = -1
        repeat {
            committed = log.committedOffset(topicPartition) ?? -1
            if committed >= atLeast { break }
            try await Task.sleep(for: .milliseconds(20))
        } while ContinuousClock.now < deadline
        return committed
    }

    private func partitionOf(_ key: [UInt8]) -> Int32 {
        Int32(key.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 } % UInt32(log.partitions.count))
    }
}

extension InMemoryRecord: CaptureRecord {}

/// An in-memory log as the worker's source: assignments and revocations reach the parking lot,
/// as the worker's capture-topic source does, and outputs go to `deliverOutputs`.
struct ParkingObservedSource<Output: Sendable>: ProcessingSource {
    typealias Record = InMemoryRecord
    let base: InMemoryProcessingSource
    let lot: ParkingLot
    let deliverOutputs: @Sendable ([Output], InMemoryRecord) async throws -> Void

    init(base: InMemoryProcessingSource, lot: ParkingLot, deliver: @escaping @Sendable ([Output], InMemoryRecord) async throws -> Void = { _, _ in }) {
        self.base = base
        self.lot = lot
        self.deliverOutputs = deliver
    }

    struct Events: AsyncSequence {
        typealias Element = ProcessingEvent<InMemoryRecord>
        typealias Failure = any Error
        let base: InMemoryProcessingSource.Events
        let lot: ParkingLot

        func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator(), lot: lot) }

        struct Iterator: AsyncIteratorProtocol {
            var base: InMemoryProcessingSource.Events.AsyncIterator
            let lot: ParkingLot

            mutating func next() async throws -> ProcessingEvent<InMemoryRecord>? {
                try await base.next().map { lot.observe($0, resumeDrainTimeout: .seconds(10)) }
            }
        }
    }

    func makeEvents() -> Events { Events(base: base.makeEvents(), lot: lot) }
    func deliver(_ outputs: [Output], for record: InMemoryRecord) async throws { try await deliverOutputs(outputs, record) }
    func pause(_ partitions: [KafkaTopicPartition]) async throws { try await base.pause(partitions) }
    func resume(_ partitions: [KafkaTopicPartition]) async throws { try await base.resume(partitions) }
    func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws { try await base.commit(offsets) }
    func close() async throws { try await base.close() }
}
