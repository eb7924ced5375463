import Kafka
import Processing
import ProcessingTesting
import Synchronization

/// Records what a test handler did and checks the engine's promises as they happen: one record
/// at a time per lane, commits never past an incomplete record and never backwards.
final class HandlingRecorder: Sendable {
    struct Success: Hashable {
        var record: InMemoryRecord
    }

    struct Lane: Hashable {
        var partition: KafkaTopicPartition
        var key: [UInt8]?
    }

    struct Waiter {
        var isSatisfied: @Sendable (State) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    struct State {
        var active: [Lane: Int] = [:]
        var activeCount = 0
        var maxActiveCount = 0
        var successes: [InMemoryRecord] = []
        var completed: Set<InMemoryRecord.Position> = []
        var attempts: [InMemoryRecord.Position: Int] = [:]
        var committed: [KafkaTopicPartition: Int64] = [:]
        var expected: [KafkaTopicPartition: [Int64]] = [:]
        var violations: [String] = []
        var waiters: [Waiter] = []

        var allCommitted: Bool {
            expected.allSatisfy { partition, offsets in
                offsets.last.map { committed[partition] == $0 + 1 } ?? true
            }
        }
    }

    let ordering: ProcessingConfiguration.OrderingMode
    let state = Mutex(State())

    init(ordering: ProcessingConfiguration.OrderingMode) {
        self.ordering = ordering
    }

    /// Declares the records the log holds, for the commit checks.
    func expect(_ log: InMemoryLog) {
        var expected: [KafkaTopicPartition: [Int64]] = [:]
        for partition in log.partitions { expected[partition] = log.records(in: partition).map(\.offset) }
        state.withLock { $0.expected = expected }
    }

    private func lane(_ record: InMemoryRecord) -> Lane? {
        if ordering == .partition { return Lane(partition: record.topicPartition, key: nil) }
        return record.key.map { Lane(partition: record.topicPartition, key: $0) }
    }

    /// A handler call starts; returns the attempt number (1 for the first).
    func begin(_ record: InMemoryRecord) -> Int {
        state.withLock { state in
            if let lane = lane(record) {
                if state.active[lane, default: 0] > 0 {
                    state.violations.append("two records of lane \(lane) ran at once (offset \(record.offset))")
                }
                state.active[lane, default: 0] += 1
            }
            state.activeCount += 1
            state.maxActiveCount = max(state.maxActiveCount, state.activeCount)
            state.attempts[record.position, default: 0] += 1
            return state.attempts[record.position]!
        }
    }

    /// A handler call ends; a success is recorded before the handler returns.
    func end(_ record: InMemoryRecord, succeeded: Bool) {
        let ready = state.withLock { state in
            if let lane = lane(record) { state.active[lane]! -= 1 }
            state.activeCount -= 1
            if succeeded {
                state.successes.append(record)
                state.completed.insert(record.position)
            }
            return Self.takeSatisfied(&state)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Checks a commit before it takes effect.
    func checkCommit(_ offsets: [KafkaTopicPartition: Int64]) {
        let ready = state.withLock { state in
            for (partition, offset) in offsets {
                let incomplete = (state.expected[partition] ?? []).first {
                    $0 < offset && !state.completed.contains(InMemoryRecord.Position(partition: partition, offset: $0))
                }
                if let incomplete {
                    state.violations.append("commit of \(partition) at \(offset) passes incomplete offset \(incomplete)")
                }
                if let previous = state.committed[partition], previous > offset {
                    state.violations.append("commit of \(partition) moved back from \(previous) to \(offset)")
                }
                state.committed[partition] = offset
            }
            return Self.takeSatisfied(&state)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Waits until `condition` holds.
    func wait(until condition: @escaping @Sendable (State) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if condition(state) { return true }
                state.waiters.append(Waiter(isSatisfied: condition, continuation: continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    private static func takeSatisfied(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard !state.waiters.isEmpty else { return [] }
        let snapshot = state
        var ready: [CheckedContinuation<Void, Never>] = []
        state.waiters.removeAll { waiter in
            guard waiter.isSatisfied(snapshot) else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return ready
    }

    /// Checks that, per assignment and lane, the successes are a prefix of the lane's records from
    /// the assignment's start: in offset order, none skipped.
    func orderViolations(log: InMemoryLog) -> [String] {
        let successes = state.withLock { $0.successes }
        var handled: [UInt64: [Lane: [Int64]]] = [:]
        var starts: [UInt64: (KafkaTopicPartition, Int64)] = [:]
        for record in successes {
            starts[record.assignment] = (record.topicPartition, record.assignmentStart)
            let lanes = [lane(record), record.key.map { Lane(partition: record.topicPartition, key: $0) }]
            for lane in Set(lanes.compactMap { $0 }) {
                handled[record.assignment, default: [:]][lane, default: []].append(record.offset)
            }
        }
        var violations: [String] = []
        for (assignment, lanes) in handled {
            let (partition, start) = starts[assignment]!
            let records = log.records(in: partition).filter { $0.offset >= start }
            for (lane, offsets) in lanes {
                let laneOffsets = records.filter { lane.key == nil || $0.key == lane.key }.map(\.offset)
                if Array(laneOffsets.prefix(offsets.count)) != offsets {
                    violations.append("assignment \(assignment) lane \(lane) handled \(offsets), records were \(laneOffsets)")
                }
            }
        }
        return violations
    }
}

extension InMemoryRecord {
    struct Position: Hashable {
        var partition: KafkaTopicPartition
        var offset: Int64
    }

    var position: Position { Position(partition: topicPartition, offset: offset) }
}
