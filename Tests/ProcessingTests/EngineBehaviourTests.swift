@testable import Kafka
import Logging
import Processing
import ProcessingTesting
import Synchronization
import TestSupport
import Testing

@Suite("Engine behaviour", .timeLimit(.minutes(2)))
struct EngineBehaviourTests {
    /// A log of `count` records with distinct keys over `partitions` partitions (round robin).
    private func makeLog(count: Int, partitions: Int = 1, valueSize: Int = 10, recorder: HandlingRecorder) -> InMemoryLog {
        let log = InMemoryLog(topic: "t", partitionCount: partitions) { recorder.checkCommit($0) }
        for index in 0..<count {
            log.append(partition: Int32(index % partitions), key: Array("k\(index)".utf8), value: Array(repeating: 1, count: valueSize))
        }
        recorder.expect(log)
        return log
    }

    private func configuration(inFlight: Int, queued: Int = 1024, bytes: Int = 1 << 20) -> ProcessingConfiguration {
        var configuration = ProcessingConfiguration()
        configuration.maxInFlightRecords = inFlight
        configuration.maxQueuedRecords = queued
        configuration.maxInFlightBytes = bytes
        configuration.commitInterval = .milliseconds(5)
        configuration.retryBackoff.initial = .milliseconds(1)
        configuration.retryBackoff.maximum = .milliseconds(2)
        return configuration
    }

    /// An engine in key mode over `records` records with distinct keys, whose handlers wait at a gate.
    private func gatedEngine(records: Int, inFlight: Int)
        -> (HandlingRecorder, HandlerGate, InMemoryProcessingSource, ProcessingEngine<InMemoryProcessingSource, GatedHandler>) {
        let recorder = HandlingRecorder(ordering: .key)
        let gate = HandlerGate()
        let source = InMemoryProcessingSource(log: makeLog(count: records, recorder: recorder))
        let engine = ProcessingEngine(
            source: source, handler: GatedHandler(recorder: recorder, gate: gate), configuration: configuration(inFlight: inFlight),
            logger: .quiet)
        return (recorder, gate, source, engine)
    }

    @Test("different keys run concurrently up to the in-flight limit and never beyond")
    func concurrencyUpToLimit() async throws {
        let (recorder, gate, _, engine) = gatedEngine(records: 40, inFlight: 8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await waitUntil { recorder.state.withLock { $0.activeCount } == 8 }
            gate.openAll()
            await recorder.wait { $0.allCommitted }
            engine.beginShutdown()
            try await group.next()
        }
        #expect(recorder.state.withLock { $0.maxActiveCount } == 8)
        #expect(recorder.state.withLock { $0.violations }.isEmpty)
    }

    /// Fails each record's first attempt with a Kafka error, as a delivery to a missing topic would.
    struct KafkaFailingHandler: ProcessingHandler {
        final class Attempts: Sendable { let counts = Mutex<[Int64: Int]>([:]) }
        let attempts = Attempts()

        func handle(_ record: InMemoryRecord) async throws -> [Never] {
            let attempt = attempts.counts.withLock { $0[record.offset, default: 0] += 1; return $0[record.offset]! }
            if attempt == 1 { throw KafkaError.configuration("Broker: Unknown topic or partition") }
            return []
        }
    }

    @Test("a failed attempt's Kafka error is logged with its code and librdkafka's words, not only its type")
    func kafkaErrorIsNamed() async throws {
        let logs = CapturedLogs()
        let recorder = HandlingRecorder(ordering: .key)
        let source = InMemoryProcessingSource(log: makeLog(count: 1, recorder: recorder))
        let engine = ProcessingEngine(
            source: source, handler: KafkaFailingHandler(), configuration: configuration(inFlight: 1),
            logger: Logger(label: "engine") { _ in CapturingLogHandler(store: logs) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await waitUntil { logs.entries.contains { $0.message.hasPrefix("Handler failed") } }
            engine.beginShutdown()
            try await group.next()
        }
        let failure = try #require(logs.entries.first { $0.message.hasPrefix("Handler failed") })
        #expect(failure.metadata["processing.kafka_error"] == "configuration: Broker: Unknown topic or partition")
        #expect(failure.metadata["processing.error_type"] == "KafkaError")
    }

    @Test("a cancelled engine still closes its source (a consumer leaves its group at once), without draining")
    func cancelledEngineClosesItsSource() async throws {
        let (recorder, gate, source, engine) = gatedEngine(records: 10, inFlight: 4)
        let run = Task { try await engine.run() }
        await waitUntil { recorder.state.withLock { $0.activeCount } == 4 }
        run.cancel()
        gate.openAll()  // the handlers need not answer cancellation
        try? await run.value
        #expect(source.isClosed)
        #expect(recorder.state.withLock { $0.violations }.isEmpty)
    }

    @Test("partition mode handles one record at a time per partition")
    func partitionModeIsSequential() async throws {
        let recorder = HandlingRecorder(ordering: .partition)
        let log = makeLog(count: 60, partitions: 2, recorder: recorder)
        var configuration = configuration(inFlight: 16)
        configuration.ordering = .partition
        let engine = ProcessingEngine(
            source: InMemoryProcessingSource(log: log),
            handler: RecordingHandler(recorder: recorder, seed: 7, failureRate: 0.1), configuration: configuration,
            logger: .quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await recorder.wait { $0.allCommitted }
            engine.beginShutdown()
            try await group.next()
        }
        #expect(recorder.state.withLock { $0.maxActiveCount } <= 2)
        #expect(recorder.state.withLock { $0.violations }.isEmpty)
        #expect(recorder.orderViolations(log: log).isEmpty)
    }

    @Test("at the record limit partitions are paused and the engine holds exactly the limit")
    func pausesAtRecordLimit() async throws {
        try await checkPausesAtLimit(configuration: configuration(inFlight: 4, queued: 20), expectedHeld: 20)
    }

    @Test("at the byte limit partitions are paused and the engine holds no more than the limit")
    func pausesAtByteLimit() async throws {
        // 50-byte records (2-3 byte keys + 47-byte values) under a 1,000-byte limit: paused at 20 records.
        try await checkPausesAtLimit(configuration: configuration(inFlight: 4, bytes: 1_000), expectedHeld: nil)
    }

    private func checkPausesAtLimit(configuration: ProcessingConfiguration, expectedHeld: Int?) async throws {
        let recorder = HandlingRecorder(ordering: .key)
        let gate = HandlerGate()
        let log = makeLog(count: 200, partitions: 2, valueSize: 47, recorder: recorder)
        let source = InMemoryProcessingSource(log: log)
        let engine = ProcessingEngine(
            source: source, handler: GatedHandler(recorder: recorder, gate: gate), configuration: configuration,
            logger: .quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await waitUntil { source.pausedPartitions.count == 2 }
            let snapshot = engine.snapshot()
            if let expectedHeld { #expect(snapshot.inFlightRecords == expectedHeld) }
            #expect(snapshot.inFlightBytes < configuration.maxInFlightBytes + 51)  // the last record may cross it
            #expect(snapshot.inFlightRecords <= configuration.maxQueuedRecords)
            #expect(snapshot.runningRecords == 4)
            #expect(snapshot.partitions.values.allSatisfy { $0.paused })
            #expect(snapshot.peakInFlightBytes == snapshot.inFlightBytes)  // nothing finished yet
            gate.openAll()
            await recorder.wait { $0.allCommitted }
            #expect(source.pausedPartitions.isEmpty)
            // The high-water mark stays where it was, though the engine now holds nothing.
            let drained = engine.snapshot()
            #expect(drained.inFlightBytes == 0)
            #expect(drained.peakInFlightBytes >= snapshot.inFlightBytes)
            #expect(drained.peakInFlightBytes < configuration.maxInFlightBytes + 51)
            engine.beginShutdown()
            try await group.next()
        }
        #expect(recorder.state.withLock { $0.completed.count } == 200)
        #expect(source.pauseCallCount > 1)
    }

    @Test("a record whose handler keeps failing blocks only its own key")
    func retryBlocksOnlyItsKey() async throws {
        let recorder = HandlingRecorder(ordering: .key)
        let log = InMemoryLog(topic: "t", partitionCount: 1) { recorder.checkCommit($0) }
        log.append(partition: 0, key: Array("stuck".utf8), value: [])
        for index in 0..<30 { log.append(partition: 0, key: Array("k\(index % 10)".utf8), value: []) }
        log.append(partition: 0, key: Array("stuck".utf8), value: [])
        recorder.expect(log)
        let gate = HandlerGate()
        gate.openAll()
        // Offset 0 fails until every record of the other keys is complete.
        let handler = GatedHandler(recorder: recorder, gate: gate) { record in
            record.offset == 0 && recorder.state.withLock { $0.completed.count } < 30
        }
        let engine = ProcessingEngine(
            source: InMemoryProcessingSource(log: log), handler: handler,
            configuration: configuration(inFlight: 4), logger: .quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await recorder.wait { $0.allCommitted }
            engine.beginShutdown()
            try await group.next()
        }
        let (successes, attempts) = recorder.state.withLock { ($0.successes.map(\.offset), $0.attempts) }
        #expect(Array(successes.suffix(2)) == [0, 31])
        #expect(attempts[InMemoryRecord.Position(partition: KafkaTopicPartition(topic: "t", partition: 0), offset: 0)]! > 1)
        #expect(recorder.orderViolations(log: log).isEmpty)
    }

    @Test("a partition whose commit point is stuck pauses at its uncommitted bound, alone, and resumes once it moves")
    func pausesAtUncommittedBound() async throws {
        let recorder = HandlingRecorder(ordering: .key)
        let log = InMemoryLog(topic: "t", partitionCount: 2) { recorder.checkCommit($0) }
        log.append(partition: 0, key: Array("stuck".utf8), value: [])
        for index in 0..<40 {
            log.append(partition: 0, key: Array("a\(index)".utf8), value: [])
            log.append(partition: 1, key: Array("b\(index)".utf8), value: [])
        }
        recorder.expect(log)
        let gate = HandlerGate()
        gate.openAll()
        let stuck = Mutex(true)
        let stuckPartition = KafkaTopicPartition(topic: "t", partition: 0)
        let handler = GatedHandler(recorder: recorder, gate: gate) { record in
            record.topicPartition == stuckPartition && record.offset == 0 && stuck.withLock { $0 }
        }
        var configuration = configuration(inFlight: 4)
        configuration.maxUncommittedRecordsPerPartition = 10
        let source = InMemoryProcessingSource(log: log)
        let engine = ProcessingEngine(source: source, handler: handler, configuration: configuration, logger: .quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await waitUntil { source.pausedPartitions == [stuckPartition] }
            // Partition 1 is not held back by partition 0's stuck record.
            await recorder.wait { state in state.completed.filter { $0.partition.partition == 1 }.count == 40 }
            let held = engine.snapshot().partitions[stuckPartition]
            #expect((held?.commitLag ?? 0) <= 10, "partition 0 received no more than its bound past the stuck record")
            #expect(source.pausedPartitions == [stuckPartition])
            stuck.withLock { $0 = false }
            await recorder.wait { $0.allCommitted }
            #expect(source.pausedPartitions.isEmpty)
            engine.beginShutdown()
            try await group.next()
        }
        #expect(recorder.orderViolations(log: log).isEmpty)
    }

    @Test("a revocation waits for running records, commits what completed, then acknowledges")
    func revocationDrainsThenCommits() async throws {
        let recorder = HandlingRecorder(ordering: .key)
        let gate = HandlerGate()
        let log = makeLog(count: 6, recorder: recorder)
        let partition = KafkaTopicPartition(topic: "t", partition: 0)
        let source = InMemoryProcessingSource(log: log)
        var drainingLong = configuration(inFlight: 2)
        drainingLong.revocationDrainTimeout = .seconds(600)  // the gates, not the clock, end the drain
        let engine = ProcessingEngine(
            source: source, handler: GatedHandler(recorder: recorder, gate: gate), configuration: drainingLong,
            logger: .quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await waitUntil { recorder.state.withLock { $0.activeCount } == 2 }
            gate.release(offset: 0)
            // Offset 0 completes and offset 2 takes its slot: offsets 1 and 2 run.
            await waitUntil { recorder.state.withLock { $0.completed.count == 1 && $0.activeCount == 2 } }
            let acknowledged = Mutex(false)
            group.addTask {
                await source.revoke([partition])
                acknowledged.withLock { $0 = true }
            }
            await waitUntil { engine.snapshot().partitions[partition]?.paused == true }
            #expect(!acknowledged.withLock { $0 }, "acknowledged while records were running")
            gate.release(offset: 1)
            gate.release(offset: 2)
            try await group.next()  // the revocation was acknowledged
            #expect(log.committedOffset(partition) == 3)
            // Offsets 3... were queued, never started, and are not committed; the next owner reads them.
            #expect(recorder.state.withLock { $0.completed.count } == 3)
            gate.openAll()
            source.assign([partition])
            await recorder.wait { $0.allCommitted }
            engine.beginShutdown()
            try await group.next()
        }
        #expect(recorder.state.withLock { $0.violations }.isEmpty)
    }

    @Test("at the revocation deadline unfinished records stay uncommitted and the partitions are released")
    func revocationDeadlineLeavesUnfinishedUncommitted() async throws {
        let recorder = HandlingRecorder(ordering: .key)
        let gate = HandlerGate()
        let log = makeLog(count: 6, recorder: recorder)
        let partition = KafkaTopicPartition(topic: "t", partition: 0)
        let source = InMemoryProcessingSource(log: log)
        var configuration = configuration(inFlight: 2)
        configuration.revocationDrainTimeout = .milliseconds(1)
        let engine = ProcessingEngine(
            source: source, handler: GatedHandler(recorder: recorder, gate: gate), configuration: configuration,
            logger: .quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await waitUntil { recorder.state.withLock { $0.activeCount } == 2 }
            gate.release(offset: 1)
            await waitUntil { recorder.state.withLock { $0.completed.count } == 1 }
            await source.revoke([partition])
            #expect(log.committedOffset(partition) == nil, "offset 0 is still running, so nothing may be committed")
            gate.openAll()
            source.assign([partition])
            await recorder.wait { $0.allCommitted }
            engine.beginShutdown()
            try await group.next()
        }
        #expect(recorder.state.withLock { $0.violations }.isEmpty)
        #expect(log.committedOffset(partition) == 6)
    }

    @Test("a graceful shutdown stops fetching, lets running records finish, commits and closes")
    func gracefulShutdownDrainsAndCommits() async throws {
        let recorder = HandlingRecorder(ordering: .key)
        let gate = HandlerGate()
        let log = makeLog(count: 10, recorder: recorder)
        let partition = KafkaTopicPartition(topic: "t", partition: 0)
        let source = InMemoryProcessingSource(log: log)
        var drainingLong = configuration(inFlight: 3)
        drainingLong.shutdownDrainTimeout = .seconds(600)  // the gates, not the clock, end the drain
        let engine = ProcessingEngine(
            source: source, handler: GatedHandler(recorder: recorder, gate: gate), configuration: drainingLong,
            logger: .quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await waitUntil { recorder.state.withLock { $0.activeCount } == 3 }
            engine.beginShutdown()
            await waitUntil { source.pausedPartitions.contains(partition) }
            gate.openAll()
            try await group.next()
        }
        #expect(recorder.state.withLock { $0.completed.count } == 3)
        #expect(log.committedOffset(partition) == 3)
        #expect(recorder.state.withLock { $0.violations }.isEmpty)
    }
}
