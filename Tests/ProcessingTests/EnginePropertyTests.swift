import SeededRandom
import TestSupport
import Logging
import Processing
import ProcessingTesting
import Testing

/// Runs the engine against an in-memory log many times with random keys, handler durations,
/// completion orders, failures, revocations and crashes (each run replayable from its seed).
@Suite("Engine properties")
struct EnginePropertyTests {
    struct Scenario: CustomStringConvertible {
        var seed: UInt64
        var partitionCount: Int
        var keyCount: Int
        var recordCount: Int
        var configuration = ProcessingConfiguration()
        var failureRate: Double
        var crashes: Int
        var revocations: Int

        init(seed: UInt64) {
            var random = SplitMix64(seed: seed)
            self.seed = seed
            partitionCount = Int.random(in: 1...4, using: &random)
            keyCount = Int.random(in: 1...16, using: &random)
            recordCount = Int.random(in: 10...250, using: &random)
            configuration.ordering = Int.random(in: 0..<5, using: &random) == 0 ? .partition : .key
            configuration.maxInFlightRecords = Int.random(in: 1...24, using: &random)
            configuration.maxQueuedRecords = Int.random(in: 1...64, using: &random)
            configuration.maxInFlightBytes = Int.random(in: 16...2048, using: &random)
            configuration.commitInterval = .milliseconds(Int.random(in: 1...10, using: &random))
            configuration.revocationDrainTimeout = Bool.random(using: &random) ? .seconds(30) : .milliseconds(1)
            configuration.shutdownDrainTimeout = .seconds(30)
            configuration.retryBackoff.initial = .microseconds(200)
            configuration.retryBackoff.maximum = .milliseconds(2)
            failureRate = [0, 0.05, 0.25][Int.random(in: 0..<3, using: &random)]
            crashes = Int.random(in: 0...2, using: &random)
            revocations = Int.random(in: 0...2, using: &random)
        }

        var description: String {
            "seed \(seed): \(partitionCount) partitions, \(keyCount) keys, \(recordCount) records, "
                + "\(configuration.ordering) ordering, \(configuration.maxInFlightRecords) in flight, "
                + "failure rate \(failureRate), \(crashes) crashes, \(revocations) revocations"
        }
    }

    static let seeds: [UInt64] = Array(1...120)

    @Test(
        "per-key order holds, commits never pass an incomplete record, and after crashes every record is handled",
        .timeLimit(.minutes(5)), arguments: seeds)
    func engineKeepsItsPromises(seed: UInt64) async throws {
        let scenario = Scenario(seed: seed)
        var random = SplitMix64(seed: seed ^ 0xC0FFEE)
        let recorder = HandlingRecorder(ordering: scenario.configuration.ordering)
        let log = InMemoryLog(topic: "t", partitionCount: scenario.partitionCount) { recorder.checkCommit($0) }
        for index in 0..<scenario.recordCount {
            let key: [UInt8]? = Int.random(in: 0..<10, using: &random) == 0
                ? nil : Array("k\(Int.random(in: 0..<scenario.keyCount, using: &random))".utf8)
            log.append(
                partition: Int32.random(in: 0..<Int32(scenario.partitionCount), using: &random), key: key,
                value: Array(repeating: UInt8(index % 256), count: Int.random(in: 0...40, using: &random)),
                offsetGap: Int64.random(in: 1...2, using: &random))
        }
        recorder.expect(log)
        let handler = RecordingHandler(recorder: recorder, seed: seed, failureRate: scenario.failureRate)
        var logger = Logger(label: "engine-property-test")
        logger.logLevel = .critical

        for incarnation in 0...scenario.crashes {
            let isLast = incarnation == scenario.crashes
            let source = InMemoryProcessingSource(log: log)
            let engine = ProcessingEngine(
                source: source, handler: handler, configuration: scenario.configuration, logger: logger)
            let revocationPoints = (0..<scenario.revocations).map { _ in Int.random(in: 0...scenario.recordCount, using: &random) }
                .sorted()
            let crashPoint = Int.random(in: 0...scenario.recordCount, using: &random)
            let subsets = (0..<scenario.revocations).map { _ in
                log.partitions.filter { _ in Bool.random(using: &random) }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await engine.run() }
                let base = recorder.state.withLock { $0.successes.count }
                for (point, partitions) in zip(revocationPoints, subsets) where !partitions.isEmpty {
                    await recorder.wait { $0.successes.count >= base + point || $0.allCommitted }
                    await source.revoke(partitions)
                    source.assign(partitions)
                }
                if isLast {
                    await recorder.wait { $0.allCommitted }
                    engine.beginShutdown()
                    try await group.next()
                } else {
                    await recorder.wait { $0.successes.count >= base + crashPoint || $0.allCommitted }
                    group.cancelAll()  // a crash: no drain, no final commit
                }
            }
        }

        let (violations, completed, maxActive) = recorder.state.withLock { ($0.violations, $0.completed.count, $0.maxActiveCount) }
        #expect(violations.isEmpty, "\(scenario): \(violations.prefix(5))")
        #expect(recorder.orderViolations(log: log).isEmpty, "\(scenario): \(recorder.orderViolations(log: log).prefix(5))")
        #expect(completed == scenario.recordCount, "\(scenario): every record handled at least once")
        #expect(maxActive <= scenario.configuration.maxInFlightRecords, "\(scenario): in-flight limit")
        for partition in log.partitions {
            #expect(log.committedOffset(partition) == log.records(in: partition).last.map { $0.offset + 1 }, "\(scenario)")
        }
    }
}
