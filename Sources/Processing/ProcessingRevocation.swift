import Kafka

/// Partitions the source is taking away from this instance.
///
/// The source keeps them until the engine calls ``acknowledge()``: the engine first lets their
/// in-flight records finish (up to a deadline) and commits what completed.
public struct ProcessingRevocation: Sendable {
    /// The partitions being revoked.
    public var partitions: [KafkaTopicPartition]
    private let onAcknowledge: @Sendable () async -> Void

    /// - Parameter acknowledge: releases the partitions; the engine calls it exactly once.
    public init(partitions: [KafkaTopicPartition], acknowledge: @escaping @Sendable () async -> Void) {
        self.partitions = partitions
        self.onAcknowledge = acknowledge
    }

    /// Tells the source the engine is done with the partitions.
    public func acknowledge() async {
        await onAcknowledge()
    }
}
