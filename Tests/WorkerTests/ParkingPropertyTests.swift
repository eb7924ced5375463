import CoreMetrics
import Foundation
import Kafka
import Logging
import Processing
import ProcessingTesting
import SeededRandom
import Store
import Synchronization
import TestSupport
import Testing
@testable import Worker
import Observability
import Workflow

extension InMemoryRecord: ParkableRecord {
    public var encodedHeaders: [UInt8] { [] }

    public init(parked: ParkedCapture) throws {
        self.init(topicPartition: KafkaTopicPartition(topic: parked.topic, partition: parked.partition), offset: parked.offset, key: parked.key, value: parked.value)
    }
}

/// The processing engine with the parking lot on a real SQLite store, run many times with random
/// keys, transactions that block and unblock, transient blocks, revocations and crashes (each run
/// replayable from its seed).
@Suite("Parking properties", .timeLimit(.minutes(5)))
struct ParkingPropertyTests {
    struct Scenario: CustomStringConvertible {
        var seed: UInt64
        var partitionCount: Int
        var keyCount: Int
        var recordCount: Int
        var inFlight: Int
        var blockedKeys: Int
        var transientBlockRate: Double
        var crashes: Int
        var revocations: Int

        init(seed: UInt64) {
            var random = SplitMix64(seed: seed)
            self.seed = seed
            partitionCount = Int.random(in: 1...3, using: &random)
            keyCount = Int.random(in: 2...12, using: &random)
            recordCount = Int.random(in: 20...120, using: &random)
            inFlight = Int.random(in: 1...8, using: &random)
            blockedKeys = Int.random(in: 1...max(1, keyCount / 2), using: &random)
            transientBlockRate = [0, 0.05, 0.2][Int.random(in: 0..<3, using: &random)]
            crashes = Int.random(in: 0...2, using: &random)
            revocations = Int.random(in: 0...2, using: &random)
        }

        var description: String {
            "seed \(seed): \(partitionCount) partitions, \(keyCount) keys (\(blockedKeys) blocked at first), \(recordCount) records, "
                + "\(inFlight) in flight, transient block rate \(transientBlockRate), \(crashes) crashes, \(revocations) revocations"
        }
    }

    static let seeds: [UInt64] = ProcessInfo.processInfo.environment["PARKING_SEEDS"].map { $0.split(separator: ",").compactMap { UInt64($0) } } ?? Array(1...100)

    @Test(
        "per-key order holds, the commit point passes only handled or parked records, every record gets one result",
        arguments: seeds)
    func parkingKeepsItsPromises(seed: UInt64) async throws {
        let scenario = Scenario(seed: seed)
        var random = SplitMix64(seed: seed ^ 0x9A4C)
        let model = ParkingModel(seed: seed, transientBlockRate: scenario.transientBlockRate)
        let log = InMemoryLog(topic: "captures", partitionCount: scenario.partitionCount) { model.checkCommit($0) }
        for _ in 0..<scenario.recordCount {
            let key = Int.random(in: 0..<scenario.keyCount, using: &random)
            let record = log.append(partition: Int32(key % scenario.partitionCount), key: Array("tx-\(key)".utf8), value: Array(repeating: 1, count: 8))
            model.expect(record)
        }
        model.block((0..<scenario.blockedKeys).map { "tx-\($0)" })

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parking-property-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "parking-property")
        logger.logLevel = ProcessInfo.processInfo.environment["PARKING_LOG"] != nil ? .info : .critical
        let store = try await StoreURL("sqlite:\(directory.appendingPathComponent("store.sqlite").path)").makeStore(logger: logger)
        let metrics = WorkerMetrics(factory: NOOPMetricsHandler.instance)
        var policy = ParkingPolicy()
        policy.pollInterval = .milliseconds(5)
        policy.resumeConcurrency = 4

        try await withThrowingTaskGroup(of: Void.self) { storeGroup in
            storeGroup.addTask { try await store.run() }
            defer { storeGroup.cancelAll() }
            try await store.migrate()

            for incarnation in 0...scenario.crashes {
                let isLast = incarnation == scenario.crashes
                let lot = ParkingLot(store: store, policy: policy, topic: "captures", metrics: metrics, logger: logger)
                let source = ParkingObservedSource<Never>(base: InMemoryProcessingSource(log: log), lot: lot)
                var configuration = ProcessingConfiguration()
                configuration.maxInFlightRecords = scenario.inFlight
                configuration.commitInterval = .milliseconds(Int.random(in: 1...10, using: &random))
                configuration.retryBackoff.initial = .microseconds(200)
                configuration.retryBackoff.maximum = .milliseconds(2)
                let engine = ProcessingEngine(source: source, handler: ParkingModelHandler(lot: lot, model: model), configuration: configuration, logger: logger)
                let resumer = ParkingResumer(lot: lot, metrics: metrics, logger: logger) { parked in
                    await lot.resume(parked, as: InMemoryRecord.self) { record, _ in try model.process(record) }
                }
                let revocationPoints = (0..<scenario.revocations).map { _ in Int.random(in: 0...scenario.recordCount, using: &random) }.sorted()
                let subsets = (0..<scenario.revocations).map { _ in log.partitions.filter { _ in Bool.random(using: &random) } }
                let crashPoint = Int.random(in: 0...scenario.recordCount, using: &random)
                let unblockPoint = Int.random(in: 0...scenario.recordCount, using: &random)

                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await engine.run() }
                    group.addTask { try await resumer.run() }
                    for (point, partitions) in zip(revocationPoints, subsets) where !partitions.isEmpty {
                        await model.wait(until: { $0.handled >= point || $0.allResolved })
                        await source.base.revoke(partitions)
                        source.base.assign(partitions)
                    }
                    if isLast {
                        await model.wait(until: { $0.handled >= unblockPoint || $0.allResolved })
                        model.unblockAll()
                        await model.wait(until: { $0.allResolved && $0.allCommitted })
                        // A resumed capture is unparked just after its result is stored.
                        let deadline = ContinuousClock.now + .seconds(120)
                        while try await store.parkedSummary().reduce(0, { $0 + $1.count }) > 0, ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        engine.beginShutdown()
                        group.cancelAll()
                        _ = try? await group.next()
                    } else {
                        await model.wait(until: { $0.handled >= crashPoint || $0.allResolved })
                        group.cancelAll()  // a crash: no drain, no final commit
                    }
                }
            }
            let leftParked = try await store.parkedSummary().reduce(0) { $0 + $1.count }
            #expect(leftParked == 0, "\(scenario): the parking lot is empty at the end")
        }

        let state = model.snapshot
        #expect(state.violations.isEmpty, "\(scenario): \(state.violations.prefix(5))")
        #expect(state.results.count == scenario.recordCount, "\(scenario): every record has a result")
        print("parking property \(scenario): \(state.parks) records parked")
    }
}

/// Where a record is: its partition and offset.
struct RecordPosition: Hashable {
    var partition: KafkaTopicPartition
    var offset: Int64
}

/// The work the property test parks: a "call" per record that stores its result, refused while
/// the record's key is blocked (or, at random, once in a while).
final class ParkingModel: Sendable {
    /// The longest one phase of a scenario may take before the wait reports what never returned:
    /// generous, as a full parallel pass can run 20 to 50 times slower than a test alone.
    static let phaseLimit: Duration = .seconds(90)
    struct State {
        var expected: [KafkaTopicPartition: [Int64]] = [:]
        var keys: [RecordPosition: String] = [:]
        var blocked: Set<String> = []
        /// Records with a stored result, and how often their "call" ran.
        var results: [RecordPosition: Int] = [:]
        /// Per key, the offsets in the order their results were stored.
        var order: [String: [Int64]] = [:]
        /// Records the handler returned for: result stored, or parked.
        var safe: Set<RecordPosition> = []
        var committed: [KafkaTopicPartition: Int64] = [:]
        var violations: [String] = []
        var parks = 0
        var random: SplitMix64

        var handled: Int { safe.count }
        var allResolved: Bool { results.count == keys.count }
        var allCommitted: Bool { expected.allSatisfy { partition, offsets in offsets.last.map { committed[partition] == $0 + 1 } ?? true } }
    }

    private let state: Mutex<State>
    private let transientBlockRate: Double

    init(seed: UInt64, transientBlockRate: Double) {
        state = Mutex(State(random: SplitMix64(seed: seed ^ 0x51)))
        self.transientBlockRate = transientBlockRate
    }

    var snapshot: State { state.withLock { $0 } }

    func expect(_ record: InMemoryRecord) {
        state.withLock { state in
            state.expected[record.topicPartition, default: []].append(record.offset)
            state.keys[Self.position(record)] = record.parkingLane
        }
    }

    func block(_ keys: [String]) { state.withLock { $0.blocked.formUnion(keys) } }
    func unblockAll() { state.withLock { $0.blocked.removeAll() } }

    /// The record's "Vlens call": a stored result is never made again; a blocked key throws.
    func process(_ record: InMemoryRecord) throws {
        try state.withLock { state in
            let position = Self.position(record)
            if state.results[position] != nil { return }
            let transient = transientBlockRate > 0 && Double.random(in: 0..<1, using: &state.random) < transientBlockRate
            if state.blocked.contains(record.parkingLane) || transient {
                throw CaptureBlocked(reason: .vlensUnavailable, retryAt: Date(), failedAttempts: 0, tenant: "t")
            }
            let key = record.parkingLane
            if let last = state.order[key]?.last, last > record.offset {
                state.violations.append("\(key): offset \(record.offset) resolved after \(last)")
            }
            state.results[position] = 1
            state.order[key, default: []].append(record.offset)
        }
    }

    /// The handler returned for a record (after storing its result or parking it).
    func returned(_ record: InMemoryRecord, parked: Bool) {
        state.withLock { state in
            state.safe.insert(Self.position(record))
            if parked { state.parks += 1 }
        }
    }

    func checkCommit(_ offsets: [KafkaTopicPartition: Int64]) {
        state.withLock { state in
            for (partition, offset) in offsets {
                if let unsafe = (state.expected[partition] ?? []).first(where: { $0 < offset && !state.safe.contains(RecordPosition(partition: partition, offset: $0)) }) {
                    state.violations.append("commit of \(partition) at \(offset) passes \(unsafe), neither resolved nor parked")
                }
                state.committed[partition] = max(state.committed[partition] ?? offset, offset)
            }
        }
    }

    func wait(_ what: String = #function, line: Int = #line, until condition: (State) -> Bool) async {
        let started = ContinuousClock.now
        while !state.withLock({ condition($0) }) {
            if ContinuousClock.now - started > Self.phaseLimit {
                let state = snapshot
                let unsafe = state.keys.keys.filter { !state.safe.contains($0) }.map { "\($0.partition.partition)@\($0.offset)=\(state.keys[$0] ?? "")" }.sorted()
                Issue.record("waited \(Self.phaseLimit) at line \(line): never returned \(unsafe.prefix(8)); \(state.handled) handled, \(state.results.count)/\(state.keys.count) resolved, committed \(state.committed), blocked \(state.blocked.sorted())")
                return
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    static func position(_ record: InMemoryRecord) -> RecordPosition {
        RecordPosition(partition: record.topicPartition, offset: record.offset)
    }
}

/// The engine's handler in the property test: the parking lot around the model's call.
struct ParkingModelHandler: ProcessingHandler {
    let lot: ParkingLot
    let model: ParkingModel

    func handle(_ record: InMemoryRecord) async throws -> [Never] {
        let parked = Mutex(true)
        let outputs: [Never] = try await lot.handle(record, tenant: { "t" }) { record in
            try model.process(record)
            parked.withLock { $0 = false }
            return []
        }
        model.returned(record, parked: parked.withLock { $0 })
        return outputs
    }
}
