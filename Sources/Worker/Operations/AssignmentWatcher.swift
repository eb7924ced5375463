import Kafka
import Logging
import ServiceLifecycle
import Observability
import Workflow

/// Follows the consumer's partition assignment: reports it to health and metrics, and (with
/// `RATE_SHARE=partitions`) re-divides each tenant's rate limit by this instance's share of the
/// capture topic's partitions, so a consumer group as a whole stays under the tenant's limit.
struct AssignmentWatcher: Service {
    let consumer: KafkaConsumer
    let admin: KafkaAdmin
    let captureTopic: String
    /// The gateways whose share follows the partitions; `nil` when ``RateShareCoordinator`` shares by demand.
    let gateways: TenantGateways?
    let health: WorkerHealth
    let metrics: WorkerMetrics
    let logger: Logger
    /// How often the assignment is checked. A rebalance is seen within this time.
    var interval: Duration = .milliseconds(250)
    /// An instance that got no partitions is still a healthy member after this long.
    var idleMemberGrace: Duration = .seconds(30)

    func run() async throws {
        var totalPartitions = try await partitionCount() ?? 1
        var lastAssignment: Set<KafkaTopicPartition>?
        let started = ContinuousClock.now
        var lastTopicRefresh = started
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let assignment = consumer.assignment
            if ContinuousClock.now - lastTopicRefresh > .seconds(60) {
                totalPartitions = (try? await partitionCount()) ?? totalPartitions
                lastTopicRefresh = .now
            }
            if assignment != lastAssignment {
                let owned = assignment.filter { $0.topic == captureTopic }.count
                if lastAssignment != nil || !assignment.isEmpty {
                    metrics.recordRebalance(assignedPartitions: owned)
                }
                let share = Double(max(owned, 1)) / Double(max(totalPartitions, 1))
                for gateway in gateways?.all ?? [] { gateway.setShare(share) }
                if !assignment.isEmpty { health.setAssignment(count: owned) }
                logger.info("partition assignment changed", metadata: [WorkerLoggingKeys.partitions: "\(owned)", WorkerLoggingKeys.partitionCount: "\(totalPartitions)"])
                lastAssignment = assignment
            }
            if assignment.isEmpty, ContinuousClock.now - started > idleMemberGrace {
                health.setAssignment(count: 0)
            }
            try? await Task.sleep(for: interval)
        }
        health.leftGroup()
    }

    private func partitionCount() async throws -> Int? {
        do {
            return try await admin.describeTopic(captureTopic).partitionCount
        } catch {
            logger.warning("cannot describe the capture topic; assuming this instance owns the whole rate limit", metadata: [WorkerLoggingKeys.error: "\(error)"])
            return nil
        }
    }
}
