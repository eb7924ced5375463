import Kafka

/// The engine's state machine: records, completions, rebalances and shutdown in; what to run,
/// what to pause and what to commit out. It does no I/O; the engine performs the returned actions
/// after releasing the lock.
struct EngineState<Record: ProcessingRecord> {
    struct PartitionState {
        var epoch: UInt64
        var tracker = OffsetTracker()
        /// Records held (queued or running) for this assignment.
        var held = 0
        /// Records running for this assignment.
        var running = 0
        var revoking = false
        /// Whether the records past the commit point exceed a per-partition bound.
        var overBound = false
        /// Whether the source was last told to pause (true) or resume (false); nil when unknown.
        var appliedPause: Bool?
    }

    /// What to do after a record arrived or a record finished.
    struct Action {
        /// A record to run now.
        var start: Dispatch<Record>?
        /// Whether the pause state of some partition must be brought up to date.
        var reconcilePauses = false
        /// Drain waiters whose partitions have no running record left.
        var drained: [CheckedContinuation<Void, Never>] = []
    }

    private struct DrainWaiter {
        var partitions: Set<KafkaTopicPartition>?
        var continuation: CheckedContinuation<Void, Never>
    }

    let configuration: ProcessingConfiguration
    private var partitions: [KafkaTopicPartition: PartitionState] = [:]
    private var scheduler: KeyScheduler<Dispatch<Record>>
    private var nextEpoch: UInt64 = 0
    private(set) var heldRecords = 0
    private(set) var heldBytes = 0
    /// The most bytes held at once since the engine started.
    private(set) var peakHeldBytes = 0
    private var overLimit = false
    private(set) var shuttingDown = false
    private var pauseDirty = false
    private var drainWaiters: [UInt64: DrainWaiter] = [:]
    private var cancelledWaiters: Set<UInt64> = []

    init(configuration: ProcessingConfiguration) {
        self.configuration = configuration
        self.scheduler = KeyScheduler(maxRunning: configuration.maxInFlightRecords)
    }

    var runningRecords: Int { scheduler.running }

    // MARK: Assignment

    mutating func onAssigned(_ assigned: [KafkaTopicPartition]) {
        for partition in assigned where partitions[partition].map({ $0.revoking }) ?? true {
            nextEpoch += 1
            partitions[partition] = PartitionState(epoch: nextEpoch)
        }
        pauseDirty = true
    }

    /// Stops dispatching the partitions' records and drops the queued ones (they stay uncommitted).
    mutating func onRevoked(_ revoked: Set<KafkaTopicPartition>) -> Action {
        for partition in revoked where partitions[partition] != nil {
            partitions[partition]!.revoking = true
        }
        let dropped = scheduler.dropPending { revoked.contains($0.partition) }
        release(dropped)
        pauseDirty = true
        return Action(reconcilePauses: true, drained: takeDrained())
    }

    /// Forgets revoked partitions once their revocation is acknowledged.
    mutating func onRevocationFinished(_ revoked: Set<KafkaTopicPartition>) {
        for partition in revoked where partitions[partition]?.revoking == true {
            partitions[partition] = nil
        }
    }

    // MARK: Records

    mutating func onRecord(_ record: Record) -> Action {
        let partition = record.topicPartition
        guard !shuttingDown, let state = partitions[partition], !state.revoking,
            partitions[partition]!.tracker.receive(record.offset, bytes: record.byteCount)
        else { return Action() }
        updateOverBound(partition)
        let dispatch = Dispatch(record: record, lane: LaneKey(record, ordering: configuration.ordering), epoch: state.epoch)
        partitions[partition]!.held += 1
        heldRecords += 1
        heldBytes += record.byteCount
        peakHeldBytes = max(peakHeldBytes, heldBytes)
        let start = scheduler.enqueue(dispatch, lane: dispatch.lane)
        if let start { partitions[start.record.topicPartition]!.running += 1 }
        if !overLimit, heldRecords >= configuration.maxQueuedRecords || heldBytes >= configuration.maxInFlightBytes {
            overLimit = true
            pauseDirty = true
        }
        return Action(start: start, reconcilePauses: pauseDirty)
    }

    /// Whether a dispatched record should still run: its partition assignment is current and the
    /// engine is not shutting down.
    func isCurrent(_ dispatch: Dispatch<Record>) -> Bool {
        guard !shuttingDown, let state = partitions[dispatch.record.topicPartition] else { return false }
        return state.epoch == dispatch.epoch && !state.revoking
    }

    /// A running record finished: `completed` when its handler returned, false when it was
    /// abandoned (cancelled, or its partition is no longer current).
    mutating func onFinished(_ dispatch: Dispatch<Record>, completed: Bool) -> Action {
        let partition = dispatch.record.topicPartition
        if partitions[partition]?.epoch == dispatch.epoch {
            partitions[partition]!.running -= 1
            partitions[partition]!.held -= 1
            if completed {
                partitions[partition]!.tracker.complete(dispatch.record.offset)
                updateOverBound(partition)
            }
        }
        heldRecords -= 1
        heldBytes -= dispatch.record.byteCount
        let start = scheduler.finish(lane: dispatch.lane)
        if let start { partitions[start.record.topicPartition]!.running += 1 }
        updateOverLimit()
        return Action(start: start, reconcilePauses: pauseDirty, drained: takeDrained())
    }

    private mutating func release(_ dropped: [Dispatch<Record>]) {
        for dispatch in dropped {
            if partitions[dispatch.record.topicPartition]?.epoch == dispatch.epoch {
                partitions[dispatch.record.topicPartition]!.held -= 1
            }
            heldRecords -= 1
            heldBytes -= dispatch.record.byteCount
        }
        updateOverLimit()
    }

    /// Pauses a partition whose records past the commit point reach a per-partition bound; resumes it
    /// below three quarters of both.
    private mutating func updateOverBound(_ partition: KafkaTopicPartition) {
        guard let state = partitions[partition] else { return }
        let records = state.tracker.pendingRecords
        let bytes = state.tracker.pendingBytes
        let maxRecords = configuration.maxUncommittedRecordsPerPartition
        let maxBytes = configuration.maxUncommittedBytesPerPartition
        let over: Bool
        if state.overBound {
            over = records >= maxRecords - maxRecords / 4 || bytes >= maxBytes - maxBytes / 4
        } else {
            over = records >= maxRecords || bytes >= maxBytes
        }
        if over != state.overBound {
            partitions[partition]!.overBound = over
            pauseDirty = true
        }
    }

    /// Resumes below three quarters of both limits, so partitions do not flap at the limit.
    private mutating func updateOverLimit() {
        guard overLimit else { return }
        let recordsLow = configuration.maxQueuedRecords - configuration.maxQueuedRecords / 4
        let bytesLow = configuration.maxInFlightBytes - configuration.maxInFlightBytes / 4
        if heldRecords < recordsLow, heldBytes < bytesLow {
            overLimit = false
            pauseDirty = true
        }
    }

    // MARK: Pause and resume

    /// The partitions whose pause state must change, marked as applied.
    mutating func takePauseChanges() -> (pause: [KafkaTopicPartition], resume: [KafkaTopicPartition]) {
        guard pauseDirty else { return ([], []) }
        pauseDirty = false
        var pause: [KafkaTopicPartition] = []
        var resume: [KafkaTopicPartition] = []
        for (partition, state) in partitions {
            let desired = overLimit || shuttingDown || state.revoking || state.overBound
            guard state.appliedPause != desired else { continue }
            partitions[partition]!.appliedPause = desired
            if desired { pause.append(partition) } else { resume.append(partition) }
        }
        return (pause.sorted(by: Self.order), resume.sorted(by: Self.order))
    }

    /// A pause or resume call failed: its outcome is unknown, so it is tried again at the next change.
    mutating func onPauseChangeFailed(_ failed: [KafkaTopicPartition]) {
        for partition in failed where partitions[partition] != nil {
            partitions[partition]!.appliedPause = nil
        }
        pauseDirty = true
    }

    private static func order(_ lhs: KafkaTopicPartition, _ rhs: KafkaTopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }

    // MARK: Commits

    /// Per partition (all owned ones when `only` is nil) the offset to commit, if ahead of the last commit.
    func offsetsToCommit(only: Set<KafkaTopicPartition>?) -> [KafkaTopicPartition: Int64] {
        var offsets: [KafkaTopicPartition: Int64] = [:]
        for (partition, state) in partitions where only?.contains(partition) ?? true {
            if let position = state.tracker.pendingCommit { offsets[partition] = position }
        }
        return offsets
    }

    mutating func onCommitted(_ offsets: [KafkaTopicPartition: Int64]) {
        for (partition, offset) in offsets where partitions[partition] != nil {
            partitions[partition]!.tracker.recordCommit(offset)
        }
    }

    // MARK: Shutdown and draining

    /// Stops dispatching and drops every queued record; running ones may finish.
    mutating func onShutdown() -> Action {
        guard !shuttingDown else { return Action() }
        shuttingDown = true
        scheduler.dispatching = false
        release(scheduler.dropPending { _ in true })
        pauseDirty = true
        return Action(reconcilePauses: true, drained: takeDrained())
    }

    /// Registers a waiter resumed once no record of `only` (every partition when nil) runs.
    mutating func addDrainWaiter(id: UInt64, only: Set<KafkaTopicPartition>?, _ continuation: CheckedContinuation<Void, Never>)
        -> CheckedContinuation<Void, Never>?
    {
        if cancelledWaiters.remove(id) != nil || isDrained(only) { return continuation }
        drainWaiters[id] = DrainWaiter(partitions: only, continuation: continuation)
        return nil
    }

    /// Removes a cancelled waiter, returning its continuation if it was still waiting.
    mutating func cancelDrainWaiter(id: UInt64) -> CheckedContinuation<Void, Never>? {
        guard let waiter = drainWaiters.removeValue(forKey: id) else {
            cancelledWaiters.insert(id)
            return nil
        }
        return waiter.continuation
    }

    /// Forgets the cancellation mark of a waiter that finished (so the set does not grow).
    mutating func forgetDrainWaiter(id: UInt64) {
        cancelledWaiters.remove(id)
    }

    private func isDrained(_ only: Set<KafkaTopicPartition>?) -> Bool {
        guard let only else { return scheduler.running == 0 }
        return only.allSatisfy { (partitions[$0]?.running ?? 0) == 0 }
    }

    private mutating func takeDrained() -> [CheckedContinuation<Void, Never>] {
        guard !drainWaiters.isEmpty else { return [] }
        var drained: [CheckedContinuation<Void, Never>] = []
        for (id, waiter) in drainWaiters where isDrained(waiter.partitions) {
            drained.append(waiter.continuation)
            drainWaiters[id] = nil
        }
        return drained
    }

    // MARK: Observation

    func snapshot() -> ProcessingSnapshot {
        var result = ProcessingSnapshot(
            inFlightRecords: heldRecords, runningRecords: scheduler.running, inFlightBytes: heldBytes,
            peakInFlightBytes: peakHeldBytes)
        for (partition, state) in partitions {
            result.partitions[partition] = ProcessingSnapshot.Partition(
                queuedRecords: state.held - state.running, runningRecords: state.running,
                commitLag: state.tracker.commitLag, committedOffset: state.tracker.committed,
                paused: state.appliedPause ?? false)
        }
        return result
    }
}
