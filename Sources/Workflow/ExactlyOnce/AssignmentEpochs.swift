import Kafka
import Synchronization

/// How many times each partition was assigned. A revocation is acknowledged only after the engine
/// drained, and a lost partition is often assigned again before that: what the late acknowledgement
/// does must spare the partitions that came back (they belong to the newer assignment).
final class AssignmentEpochs: Sendable {
    private let epochs = Mutex<[KafkaTopicPartition: UInt64]>([:])

    func assigned(_ partitions: [KafkaTopicPartition]) {
        epochs.withLock { epochs in
            for partition in partitions { epochs[partition, default: 0] += 1 }
        }
    }

    /// The partitions' epochs now, to compare with ``unchanged(since:)`` later.
    func snapshot(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: UInt64] {
        epochs.withLock { epochs in Dictionary(uniqueKeysWithValues: partitions.map { ($0, epochs[$0, default: 0]) }) }
    }

    /// The partitions of `snapshot` not assigned again since it was taken.
    func unchanged(since snapshot: [KafkaTopicPartition: UInt64]) -> [KafkaTopicPartition] {
        epochs.withLock { epochs in snapshot.filter { epochs[$0.key, default: 0] == $0.value }.map(\.key) }
    }
}
