import Foundation
import Kafka
import Logging
import Metrics
import Observability
import Processing
import Testing
@testable import Workflow

/// A revocation is acknowledged after the engine drained, and a partition lost through a session
/// time-out is often assigned back before that: the late acknowledgement must not end the newer
/// assignment, or no one resumes the partition's parked captures.
@Suite("Parking lot: a revocation acknowledged after the partition came back")
struct ParkingLotRevocationTests {
    static let topic = "captures"

    @Test("a partition assigned again before its revocation's acknowledgement stays owned; one that is not is given up")
    func lateRevocationSparesNewAssignment() async throws {
        try await ParkedCommandTests.withStore { store, _ in
            let lot = ParkingLot(store: store, policy: ParkingPolicy(), topic: Self.topic, metrics: WorkerMetrics(factory: NOOPMetricsHandler.instance), logger: Logger(label: "test"))
            let partitions = [KafkaTopicPartition(topic: Self.topic, partition: 0), KafkaTopicPartition(topic: Self.topic, partition: 1)]
            _ = lot.observe(ProcessingEvent<KafkaRecord>.assigned(partitions), resumeDrainTimeout: .seconds(1))
            let revocation = lot.observe(ProcessingEvent<KafkaRecord>.revoked(ProcessingRevocation(partitions: partitions) {}), resumeDrainTimeout: .seconds(1))
            // Partition 0 comes back before the engine has drained and acknowledged the revocation.
            _ = lot.observe(ProcessingEvent<KafkaRecord>.assigned([partitions[0]]), resumeDrainTimeout: .seconds(1))
            guard case .revoked(let wrapped) = revocation.kind else {
                Issue.record("the revocation was not passed on")
                return
            }
            await wrapped.acknowledge()
            #expect(lot.owns(0), "the newer assignment of partition 0 stands")
            #expect(!lot.owns(1), "partition 1 was revoked and not assigned again")
        }
    }

    @Test("the exactly-once outputs kept for a partition assigned again are spared by the late revocation")
    func epochsSpareNewAssignment() {
        let epochs = AssignmentEpochs()
        let zero = KafkaTopicPartition(topic: Self.topic, partition: 0)
        let one = KafkaTopicPartition(topic: Self.topic, partition: 1)
        epochs.assigned([zero, one])
        let snapshot = epochs.snapshot([zero, one])
        epochs.assigned([zero])
        #expect(epochs.unchanged(since: snapshot) == [one])
    }
}
