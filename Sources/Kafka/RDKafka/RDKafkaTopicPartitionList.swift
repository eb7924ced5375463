import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t`.
final class RDKafkaTopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>
    private let owned: Bool

    /// One entry of the list.
    struct Entry {
        var topicPartition: KafkaTopicPartition
        var offset: Int64
        var error: rd_kafka_resp_err_t
    }

    init(capacity: Int = 1) {
        pointer = rd_kafka_topic_partition_list_new(Int32(clamping: max(capacity, 1)))
        owned = true
    }

    /// Wraps a list librdkafka owns (for example the one passed to a callback).
    init(borrowing pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
        owned = false
    }

    convenience init(_ partitions: some Collection<KafkaTopicPartition>) {
        self.init(capacity: partitions.count)
        for partition in partitions { add(partition, offset: RDKafkaOffset.invalid) }
    }

    convenience init(_ offsets: [KafkaTopicPartition: Int64]) {
        self.init(capacity: offsets.count)
        for (partition, offset) in offsets { add(partition, offset: offset) }
    }

    deinit {
        if owned { rd_kafka_topic_partition_list_destroy(pointer) }
    }

    /// Calls `body` with the C list, keeping this owner alive until it returns.
    func withPointer<R, E: Error>(_ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws(E) -> R) throws(E) -> R {
        defer { withExtendedLifetime(self) {} }
        return try body(pointer)
    }

    func add(_ partition: KafkaTopicPartition, offset: Int64) {
        let element = rd_kafka_topic_partition_list_add(pointer, partition.topic, partition.partition)
        element?.pointee.offset = offset
    }

    var count: Int { Int(pointer.pointee.cnt) }

    var entries: [Entry] {
        (0..<count).map { index in
            let element = pointer.pointee.elems[index]
            return Entry(
                topicPartition: KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition),
                offset: element.offset, error: element.err
            )
        }
    }

    var partitions: [KafkaTopicPartition] { entries.map(\.topicPartition) }

    /// The per-partition errors as one ``KafkaError``, or nil when every partition succeeded.
    func partitionError(context: String) -> KafkaError? {
        let failed = entries.filter { $0.error != RD_KAFKA_RESP_ERR_NO_ERROR }
        guard let first = failed.first else { return nil }
        if failed.count == 1 {
            return KafkaError(first.error, context: "\(context) \(first.topicPartition)")
        }
        let names = failed.prefix(8).map { "\($0.topicPartition): \(KafkaError.Code($0.error))" }.joined(separator: ", ")
        let base = KafkaError(first.error, context: context)
        return KafkaError(
            code: .partitionErrors, message: "\(context) failed for \(failed.count) partitions (\(names))",
            isRetryable: base.isRetryable, isFatal: base.isFatal
        )
    }
}

/// librdkafka's logical offsets.
enum RDKafkaOffset {
    /// `RD_KAFKA_OFFSET_INVALID`: no offset (use the committed one).
    static let invalid: Int64 = -1001
}
