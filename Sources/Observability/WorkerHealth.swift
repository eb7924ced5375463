import Synchronization

/// What `/health/ready` reports: the worker is ready when it has joined its consumer group and
/// its store answers. The breaker's state is reported too, but an open breaker does not make the
/// worker unready (it is waiting out a Vlens outage, and restarting it would not help).
public final class WorkerHealth: Sendable {
    /// A point-in-time view of the worker's health.
    public struct Snapshot: Sendable, Equatable, Codable {
        public var groupJoined: Bool
        public var storeReachable: Bool
        public var breakerOpen: Bool
        public var assignedPartitions: Int
        /// Capture partitions that no group member has owned for longer than `UNOWNED_PARTITION_ALERT_MS`.
        /// A detail for operators: it does not make this instance unready (restarting it would not help;
        /// the group needs a rebalance or a look at the broker).
        public var unownedPartitions: [Int32] = []

        public var isReady: Bool { groupJoined && storeReachable }
    }

    private let state = Mutex(Snapshot(groupJoined: false, storeReachable: false, breakerOpen: false, assignedPartitions: 0))

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Partitions were assigned (or all revoked).
    public func setAssignment(count: Int) {
        state.withLock {
            $0.assignedPartitions = count
            $0.groupJoined = true
        }
    }

    public func setStoreReachable(_ reachable: Bool) {
        state.withLock { $0.storeReachable = reachable }
    }

    public func setUnownedPartitions(_ partitions: [Int32]) {
        state.withLock { $0.unownedPartitions = partitions }
    }

    public func setBreakerOpen(_ open: Bool) {
        state.withLock { $0.breakerOpen = open }
    }

    /// The consumer left the group (shutdown).
    public func leftGroup() {
        state.withLock {
            $0.groupJoined = false
            $0.assignedPartitions = 0
        }
    }
}
