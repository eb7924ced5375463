import Foundation
import Logging
import Store
import Synchronization
import Observability

/// The worker's side of the store's parking lot: which lanes (transactions) of the owned
/// partitions are parked, the per-lane locks that keep the live handler and the resumer apart,
/// the per-tenant bounds, and which partitions this instance may resume.
public final class ParkingLot: Sendable {
    package let store: any ParkingStore
    package let policy: ParkingPolicy
    package let topic: String
    package let locks = LaneLocks()
    package let metrics: WorkerMetrics
    package let logger: Logger
    private let state = Mutex(State())

    private struct State {
        /// Parked lanes per partition, for partitions loaded since their assignment.
        package var lanes: [Int32: Set<String>] = [:]
        /// Lanes parked in a partition not loaded yet: a load that read the store before they
        /// were parked does not see them, so they are added to what it read.
        package var parkedUnloaded: [Int32: Set<String>] = [:]
        /// Per partition, bumped at each assignment and revocation: a load from before one is not kept.
        package var epochs: [Int32: UInt64] = [:]
        /// Partitions assigned to this instance: the only ones it resumes.
        package var owned: Set<Int32> = []
        /// Lanes being resumed, with their partition.
        package var resuming: [String: Int32] = [:]
        package var drainWaiters: [(partitions: Set<Int32>, continuation: CheckedContinuation<Void, Never>)] = []
        package var tenantTotals: (at: ContinuousClock.Instant, totals: [String: (count: Int, bytes: Int)])?
    }

    public init(store: any ParkingStore, policy: ParkingPolicy, topic: String, metrics: WorkerMetrics, logger: Logger) {
        self.store = store
        self.policy = policy
        self.topic = topic
        self.metrics = metrics
        self.logger = logger
    }

    // MARK: Lanes

    /// Whether `lane` has parked captures. Loads the partition's parked lanes on first use after an assignment.
    /// The caller holds `lane`'s lock, so what the store says of `lane` itself is current.
    package func isParked(_ lane: String, partition: Int32) async throws -> Bool {
        let (cached, epoch) = state.withLock { ($0.lanes[partition]?.contains(lane), $0.epochs[partition, default: 0]) }
        if let cached { return cached }
        let loaded = try await store.parkedLanes(topic: topic, partitions: [partition])
        return state.withLock { state in
            if state.lanes[partition] == nil, state.epochs[partition, default: 0] == epoch {
                state.lanes[partition] = loaded.union(state.parkedUnloaded.removeValue(forKey: partition) ?? [])
            }
            return loaded.contains(lane)
        }
    }

    /// Records that `lane` of `partition` has parked captures now.
    private func laneParked(_ lane: String, partition: Int32, in state: inout State) {
        if state.lanes[partition] != nil {
            state.lanes[partition]!.insert(lane)
        } else {
            state.parkedUnloaded[partition, default: []].insert(lane)
        }
    }

    /// Forgets what is known of `partition`'s lanes: it is read again at its next use.
    private func forgetLanes(of partition: Int32, in state: inout State) {
        state.lanes[partition] = nil
        state.parkedUnloaded[partition] = nil
        state.epochs[partition, default: 0] += 1
    }

    /// Parks `capture` (the caller holds its lane's lock and checked ``isParked(_:partition:)``).
    /// Throws a retryable ``WorkerError`` when the tenant's bound is reached: the record then
    /// holds its partition (back-pressure) instead of being parked.
    package func park(_ capture: ParkedCapture) async throws {
        try await checkBounds(capture)
        let stored = try await store.park(capture)
        state.withLock { state in
            laneParked(capture.lane, partition: capture.partition, in: &state)
            if var cached = state.tenantTotals, var totals = cached.totals[capture.tenant] {
                totals.count += 1
                totals.bytes += capture.byteCount
                cached.totals[capture.tenant] = totals
                state.tenantTotals = cached
            }
        }
        metrics.recordParked(tenant: capture.tenant, reason: capture.reason)
        logger.info(
            "capture parked: its transaction waits in the store, the partition moves on",
            metadata: [WorkerLoggingKeys.reason: "\(capture.reason)", WorkerLoggingKeys.tenant: "\(capture.tenant)", WorkerLoggingKeys.attempts: "\(stored.attempts)"]
        )
    }

    /// The lane's last parked capture completed (the caller holds the lane's lock).
    package func laneCleared(_ lane: String, partition: Int32) {
        state.withLock { state in
            _ = state.lanes[partition]?.remove(lane)
            _ = state.parkedUnloaded[partition]?.remove(lane)
        }
    }

    /// A parked capture moved to `lane` (the caller holds both lanes' locks).
    package func laneMoved(to lane: String, partition: Int32) {
        state.withLock { laneParked(lane, partition: partition, in: &$0) }
    }

    private func checkBounds(_ capture: ParkedCapture) async throws {
        let now = ContinuousClock.now
        var totals = state.withLock { state in
            state.tenantTotals.flatMap { now - $0.at < .seconds(1) ? $0.totals : nil }
        }
        if totals == nil {
            let summary = try await store.parkedSummary()
            var fresh: [String: (count: Int, bytes: Int)] = [:]
            for row in summary {
                fresh[row.tenant, default: (0, 0)].count += row.count
                fresh[row.tenant, default: (0, 0)].bytes += row.bytes
            }
            state.withLock { $0.tenantTotals = (now, fresh) }
            totals = fresh
        }
        let current = totals?[capture.tenant] ?? (0, 0)
        if current.count + 1 > policy.maxPerTenant || current.bytes + capture.byteCount > policy.maxBytesPerTenant {
            metrics.recordParkingFull(tenant: capture.tenant)
            throw WorkerError(
                code: "parking_full",
                message: "the tenant's parked captures reached PARKING_MAX_PER_TENANT or PARKING_MAX_BYTES_PER_TENANT; the partition waits until some resume"
            )
        }
    }

    // MARK: Ownership

    /// Partitions were assigned: their parked lanes are read again from the store (an earlier
    /// owner may have parked more), and this instance resumes them.
    package func assigned(_ partitions: [Int32]) {
        state.withLock { state in
            for partition in partitions {
                forgetLanes(of: partition, in: &state)
                state.owned.insert(partition)
            }
        }
    }

    /// Each partition's assignment epoch now: pass it to ``revoked(_:timeout:epochsAtRevocation:)``
    /// when the revocation arrives, since its acknowledgement may come after a newer assignment.
    package func epochs(of partitions: [Int32]) -> [Int32: UInt64] {
        state.withLock { state in Dictionary(uniqueKeysWithValues: partitions.map { ($0, state.epochs[$0, default: 0]) }) }
    }

    /// Partitions are being revoked: stop resuming them, and wait (up to `timeout`) for resumes
    /// in progress, so the next owner never resumes a capture this one is still calling Vlens for.
    ///
    /// A partition assigned again since the revocation arrived (`epochsAtRevocation` differs from
    /// its epoch now: a lost partition is often given back at once) is left alone: the late end of
    /// the earlier assignment must not end the newer one, or no one would resume its parked captures.
    package func revoked(_ partitions: [Int32], timeout: Duration, epochsAtRevocation: [Int32: UInt64]? = nil) async {
        let partitions = state.withLock { state in
            partitions.filter { partition in epochsAtRevocation.map { $0[partition] == state.epochs[partition, default: 0] } ?? true }
        }
        let revoked = Set(partitions)
        state.withLock { state in
            for partition in partitions { state.owned.remove(partition) }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let drained = self.state.withLock { state -> Bool in
                        if state.resuming.values.contains(where: revoked.contains) {
                            state.drainWaiters.append((revoked, continuation))
                            return false
                        }
                        return true
                    }
                    if drained { continuation.resume() }
                }
            }
            group.addTask {
                // At the deadline the waiters are released (the drain child then ends); cancelled: drained in time.
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self.releaseWaiters(force: revoked)
            }
            await group.next()
            group.cancelAll()
        }
        state.withLock { state in
            for partition in partitions { forgetLanes(of: partition, in: &state) }
        }
    }

    /// The partitions this instance resumes now.
    package var ownedPartitions: [Int32] { state.withLock { $0.owned.sorted() } }

    /// Marks `lane` as being resumed; false when it already is or its partition is not owned.
    package func beginResume(_ capture: ParkedCapture) -> Bool {
        state.withLock { state in
            guard state.owned.contains(capture.partition), state.resuming[capture.lane] == nil else { return false }
            state.resuming[capture.lane] = capture.partition
            return true
        }
    }

    /// Whether the resumer may still work on `partition`.
    package func owns(_ partition: Int32) -> Bool { state.withLock { $0.owned.contains(partition) } }

    /// Lanes being resumed now.
    package var resumingCount: Int { state.withLock { $0.resuming.count } }

    package func endResume(_ capture: ParkedCapture) {
        state.withLock { _ = $0.resuming.removeValue(forKey: capture.lane) }
        releaseWaiters(force: nil)
    }

    private func releaseWaiters(force: Set<Int32>?) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let busy = Set(state.resuming.values)
            var ready: [CheckedContinuation<Void, Never>] = []
            state.drainWaiters.removeAll { waiter in
                let done = waiter.partitions.isDisjoint(with: busy) || waiter.partitions == force
                if done { ready.append(waiter.continuation) }
                return done
            }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }
}
