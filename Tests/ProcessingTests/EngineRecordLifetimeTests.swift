import Kafka
import Logging
import Processing
import ProcessingTesting
import Synchronization
import Testing

/// The engine lets go of a record once it completed: memory follows the records held, not the
/// records a slot has run (a slot's task runs record after record).
@Suite("Engine record lifetime", .timeLimit(.minutes(1)))
struct EngineRecordLifetimeTests {
    @Test("a completed record is released while its slot's task runs the next ones")
    func completedRecordIsReleased() async throws {
        let log = InMemoryLog(topic: "t", partitionCount: 1)
        for _ in 0..<3 { log.append(partition: 0, key: Array("one-key".utf8), value: [1, 2, 3]) }
        let alive = LiveCount()
        let source = TrackedSource(base: InMemoryProcessingSource(log: log), alive: alive)
        let gate = LastRecordGate()
        var configuration = ProcessingConfiguration()
        configuration.maxInFlightRecords = 1  // one slot: one task runs all three records in turn
        configuration.commitInterval = .milliseconds(5)
        let engine = ProcessingEngine(source: source, handler: GateAtOffset(gate: gate, offset: 2), configuration: configuration, logger: .quiet)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            await waitUntil { gate.isWaiting }
            // Records 0 and 1 completed; record 2 runs in the same task. Only record 2 may be alive
            // (the source made each record's token once; nothing else keeps one).
            let deadline = ContinuousClock.now + .seconds(5)
            while alive.count > 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
            #expect(alive.count == 1, "records that completed are still in memory")
            gate.release()
            await waitUntil { log.committedOffset(KafkaTopicPartition(topic: "t", partition: 0)) == 3 }
            engine.beginShutdown()
            try await group.next()
        }
        #expect(alive.count == 0)
    }
}

/// How many ``LifeToken``s exist.
private final class LiveCount: Sendable {
    private let value = Atomic(0)
    var count: Int { value.load(ordering: .sequentiallyConsistent) }
    func add(_ delta: Int) { value.add(delta, ordering: .sequentiallyConsistent) }
}

/// Counted while it exists: a stand-in for a record's bytes.
private final class LifeToken: Sendable {
    let lives: LiveCount
    init(_ lives: LiveCount) {
        self.lives = lives
        lives.add(1)
    }
    deinit { lives.add(-1) }
}

private struct TrackedRecord: ProcessingRecord {
    var base: InMemoryRecord
    let token: LifeToken
    var topicPartition: KafkaTopicPartition { base.topicPartition }
    var offset: Int64 { base.offset }
    var orderingKey: [UInt8]? { base.orderingKey }
    var byteCount: Int { base.byteCount }
}

/// The in-memory source, each record given a token.
private struct TrackedSource: ProcessingSource {
    typealias Record = TrackedRecord
    typealias Events = AsyncMapSequence<InMemoryProcessingSource.Events, ProcessingEvent<TrackedRecord>>
    let base: InMemoryProcessingSource
    let alive: LiveCount

    func makeEvents() -> Events {
        let alive = self.alive
        return base.makeEvents().map { event in
            switch event.kind {
            case .record(let record): .record(TrackedRecord(base: record, token: LifeToken(alive)))
            case .assigned(let partitions): .assigned(partitions)
            case .revoked(let revocation): .revoked(revocation)
            }
        }
    }

    func pause(_ partitions: [KafkaTopicPartition]) async throws { try await base.pause(partitions) }
    func resume(_ partitions: [KafkaTopicPartition]) async throws { try await base.resume(partitions) }
    func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws { try await base.commit(offsets) }
    func close() async throws { try await base.close() }
}

/// Holds the record at one offset until released.
private final class LastRecordGate: Sendable {
    private let state = Mutex<(waiting: Bool, released: Bool)>((false, false))
    var isWaiting: Bool { state.withLock { $0.waiting } }
    func release() { state.withLock { $0.released = true } }

    func wait() async {
        state.withLock { $0.waiting = true }
        while !state.withLock({ $0.released }) { try? await Task.sleep(for: .milliseconds(1)) }
    }
}

private struct GateAtOffset: ProcessingHandler {
    let gate: LastRecordGate
    let offset: Int64

    func handle(_ record: TrackedRecord) async throws -> [Never] {
        if record.offset == offset { await gate.wait() }
        return []
    }
}
