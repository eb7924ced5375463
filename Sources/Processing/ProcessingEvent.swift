import Kafka

/// One event a ``ProcessingSource`` delivers: a record, newly assigned partitions, or a revocation.
public struct ProcessingEvent<Record: ProcessingRecord>: Sendable {
    /// What the event carries.
    public enum Kind: Sendable {
        case record(Record)
        case assigned([KafkaTopicPartition])
        case revoked(ProcessingRevocation)
    }

    public let kind: Kind

    /// A record to handle.
    public static func record(_ record: Record) -> Self { Self(kind: .record(record)) }

    /// Partitions now owned by this instance; their records start at the committed offsets.
    public static func assigned(_ partitions: [KafkaTopicPartition]) -> Self { Self(kind: .assigned(partitions)) }

    /// Partitions being taken away; the source holds them until the revocation is acknowledged.
    public static func revoked(_ revocation: ProcessingRevocation) -> Self { Self(kind: .revoked(revocation)) }
}
