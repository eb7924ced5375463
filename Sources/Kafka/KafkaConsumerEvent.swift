/// What a ``KafkaConsumer`` delivers, in the order it happened.
public enum KafkaConsumerEvent: Sendable {
    /// A record. Records of one partition arrive in offset order.
    case record(KafkaRecord)
    /// Partitions were added to this consumer's assignment; they start at their committed offsets.
    case assigned([KafkaTopicPartition])
    /// Partitions are being taken away. Finish or abandon their in-flight work, commit, then call
    /// ``KafkaRevocation/acknowledge()``; librdkafka releases them after that (or after the revoke deadline).
    /// Undelivered records of these partitions are dropped from the buffer: the next owner reads them.
    case revoked(KafkaRevocation)
}
