import DequeModule
import Kafka
import Processing
import Synchronization

/// A ``ProcessingSource`` over an ``InMemoryLog``, for tests and benchmarks: it assigns
/// partitions, delivers their records from the committed offsets (round robin over unpaused
/// partitions) and those appended later, honours pause and resume at once, and can revoke and
/// assign partitions on demand.
public final class InMemoryProcessingSource: ProcessingSource, Sendable {
    public typealias Record = InMemoryRecord

    struct Assignment {
        var records: ArraySlice<InMemoryRecord>
        var id: UInt64
        var start: Int64
        /// The highest offset queued for delivery, so an append seen twice is delivered once.
        var lastQueued: Int64
    }

    struct State {
        var control = Deque<ProcessingEvent<InMemoryRecord>>()
        var assignments: [KafkaTopicPartition: Assignment] = [:]
        var order: [KafkaTopicPartition] = []
        var cursor = 0
        var paused: Set<KafkaTopicPartition> = []
        var closed = false
        var waiter: CheckedContinuation<ProcessingEvent<InMemoryRecord>?, Never>?
        var pauseCalls = 0
    }

    let log: InMemoryLog
    let state = Mutex(State())

    /// Creates a source that begins by assigning `partitions` (every partition of the log when nil).
    public init(log: InMemoryLog, assigning partitions: [KafkaTopicPartition]? = nil) {
        self.log = log
        log.observeAppends { [weak self] record in self?.appended(record) }
        assign(partitions ?? log.partitions)
    }

    /// A record appended to the log after its partition's assignment began.
    private func appended(_ record: InMemoryRecord) {
        let waiter = state.withLock { state -> (continuation: CheckedContinuation<ProcessingEvent<InMemoryRecord>?, Never>, event: ProcessingEvent<InMemoryRecord>)? in
            guard var assignment = state.assignments[record.topicPartition], record.offset > assignment.lastQueued else { return nil }
            assignment.records.append(record)
            assignment.lastQueued = record.offset
            state.assignments[record.topicPartition] = assignment
            return Self.takeWaiterEvent(&state)
        }
        waiter.map { $0.continuation.resume(returning: $0.event) }
    }

    public func makeEvents() -> Events {
        Events(source: self)
    }

    public func pause(_ partitions: [KafkaTopicPartition]) async throws {
        state.withLock {
            $0.paused.formUnion(partitions)
            $0.pauseCalls += 1
        }
    }

    public func resume(_ partitions: [KafkaTopicPartition]) async throws {
        let waiter = state.withLock { state in
            state.paused.subtract(partitions)
            return Self.takeWaiterEvent(&state)
        }
        waiter.map { $0.continuation.resume(returning: $0.event) }
    }

    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws {
        log.commit(offsets)
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { state.withLock { $0.closed } }

    public func close() async throws {
        let waiter = state.withLock { state in
            state.closed = true
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Assigns partitions: an assigned event, then their records from the committed offsets.
    public func assign(_ partitions: [KafkaTopicPartition]) {
        let assignments = partitions.map { ($0, log.beginAssignment(of: $0)) }
        let waiter = state.withLock { state in
            for (partition, assignment) in assignments {
                state.assignments[partition] = Assignment(
                    records: assignment.records, id: assignment.id, start: assignment.start,
                    lastQueued: assignment.records.last?.offset ?? assignment.start - 1)
                state.paused.remove(partition)
            }
            state.order = state.assignments.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
            state.control.append(.assigned(partitions))
            return Self.takeWaiterEvent(&state)
        }
        waiter.map { $0.continuation.resume(returning: $0.event) }
    }

    /// Revokes partitions: no more of their records are delivered, and a revoked event is sent.
    /// Returns once the engine acknowledged it.
    public func revoke(_ partitions: [KafkaTopicPartition]) async {
        await withCheckedContinuation { (acknowledged: CheckedContinuation<Void, Never>) in
            let revocation = ProcessingRevocation(partitions: partitions) { acknowledged.resume() }
            let waiter = state.withLock { state in
                for partition in partitions { state.assignments[partition] = nil }
                state.order = state.assignments.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
                state.control.append(.revoked(revocation))
                return Self.takeWaiterEvent(&state)
            }
            waiter.map { $0.continuation.resume(returning: $0.event) }
        }
    }

    /// Partitions paused now.
    public var pausedPartitions: Set<KafkaTopicPartition> {
        state.withLock { $0.paused }
    }

    /// How many times the engine called ``pause(_:)``.
    public var pauseCallCount: Int {
        state.withLock { $0.pauseCalls }
    }

    /// The next event if one is ready, or nil when there is none yet (or the source is closed).
    static func takeEvent(_ state: inout State) -> ProcessingEvent<InMemoryRecord>? {
        if let control = state.control.popFirst() { return control }
        guard !state.closed, !state.order.isEmpty else { return nil }
        for step in 0..<state.order.count {
            let index = (state.cursor + step) % state.order.count
            let partition = state.order[index]
            guard !state.paused.contains(partition), var assignment = state.assignments[partition],
                var record = assignment.records.popFirst()
            else { continue }
            state.assignments[partition] = assignment
            state.cursor = index + 1
            record.assignment = assignment.id
            record.assignmentStart = assignment.start
            return .record(record)
        }
        return nil
    }

    /// The waiting consumer and the event that wakes it, if a consumer waits and an event is ready.
    private static func takeWaiterEvent(_ state: inout State)
        -> (continuation: CheckedContinuation<ProcessingEvent<InMemoryRecord>?, Never>, event: ProcessingEvent<InMemoryRecord>)?
    {
        guard let waiter = state.waiter, let event = takeEvent(&state) else { return nil }
        state.waiter = nil
        return (waiter, event)
    }
}
