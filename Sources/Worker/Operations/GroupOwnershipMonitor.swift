import Foundation
import Kafka
import Logging
import Resilience
import ServiceLifecycle
import Store
import Observability

/// Reports capture partitions that no instance of the group processes for longer than
/// `UNOWNED_PARTITION_ALERT_MS`: a group left in that state (a broker's coordinator that never
/// completes a rebalance, a member stuck between rebalances) stops those partitions' captures without
/// an error anywhere else.
///
/// Each instance writes its consumer's assignment to the store every ``interval``, and reads every
/// instance's recent reports: the partitions of the capture topic in none of them are unowned. That is
/// what the workers really process, on any broker (the test brokers do not answer DescribeGroups with
/// assignments). With SQLite there is one instance, so its own assignment is the whole answer.
struct GroupOwnershipMonitor: Service {
    let store: any VerificationStore
    let admin: KafkaAdmin
    /// This instance's capture-topic partitions now.
    let assignment: @Sendable () -> Set<KafkaTopicPartition>
    let groupID: String
    let captureTopic: String
    let instanceID: String
    let bound: Duration
    let health: WorkerHealth
    let metrics: WorkerMetrics
    let logger: Logger
    /// How often the assignment is reported and the reports read; a report older than three
    /// intervals is of an instance that stopped.
    var interval: Duration = .seconds(10)

    func run() async {
        await cancelWhenGracefulShutdown {
            var tracker = UnownedPartitionTracker(bound: bound)
            var reported: Set<Int32> = []
            while !Task.isCancelled {
                if let unowned = await unownedPartitions() {
                    let overdue = tracker.observe(unowned: unowned, at: .now)
                    health.setUnownedPartitions(overdue.sorted())
                    metrics.recordUnownedPartitions(overdue.count)
                    if overdue != reported {
                        if overdue.isEmpty {
                            logger.info("every capture partition has an owner again")
                        } else {
                            let list = overdue.sorted().map(String.init).joined(separator: ",")
                            logger.warning("capture partitions without an owner in the group", metadata: [WorkerLoggingKeys.partitions: "\(list)", WorkerLoggingKeys.unownedFor: "\(bound)"])
                        }
                        reported = overdue
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// The capture partitions no instance reported, or nil when the store or the broker could not be asked.
    private func unownedPartitions() async -> Set<Int32>? {
        let now = Date()
        let (store, admin, groupID, topic, instanceID) = (store, admin, groupID, captureTopic, instanceID)
        let mine = assignment().filter { $0.topic == topic }.map(\.partition)
        let (seconds, attoseconds) = interval.components
        let since = now.addingTimeInterval(-3 * (Double(seconds) + Double(attoseconds) / 1e18) - 1)
        do {
            // Given up when the service is cancelled: the store may be stopping at the same moment.
            return try await abandonedOnCancel {
                try await store.reportOwnership(
                    PartitionOwnership(group: groupID, topic: topic, instance: instanceID, partitions: mine),
                    at: now, forgetBefore: now.addingTimeInterval(-3600)
                )
                let owned = try await store.partitionOwners(group: groupID, topic: topic, since: since)
                    .reduce(into: Set<Int32>()) { $0.formUnion($1.partitions) }
                let count = try await admin.describeTopic(topic).partitionCount
                return Set(0..<Int32(count)).subtracting(owned)
            }
        } catch is CancellationError {
            return nil
        } catch {
            logger.debug("cannot check partition ownership", metadata: [WorkerLoggingKeys.error: "\(error)"])
            return nil
        }
    }
}
