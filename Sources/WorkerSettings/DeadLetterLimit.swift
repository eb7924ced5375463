/// How large a dead letter's value may be before it is left out (`dlq_value_omitted_bytes`).
///
/// A dead letter carries the capture as submitted, so a redrive can put it back; a value the
/// dead-letter topic refuses would fail its delivery, and the capture's partition would wait on it.
public enum DeadLetterLimit {
    /// The limit when the dead-letter topic's setting cannot be read: fits Kafka's default
    /// `max.message.bytes` (1,048,588) with room for the key and headers.
    public static let fallbackValueBytes = 1_000_000
    /// Room left beside the value for the record's key, its headers (the original ones and the
    /// `dlq_*` ones) and the batch's overhead.
    public static let headroomBytes = 64 << 10

    /// `configured` (`DEAD_LETTER_MAX_VALUE_BYTES`) when set; else the topic's `max.message.bytes`
    /// less ``headroomBytes``, never above the producer's own limit less the same; else
    /// ``fallbackValueBytes``.
    public static func valueBytes(configured: Int?, topicMaxMessageBytes: Int?, producerMaxMessageBytes: Int) -> Int {
        if let configured { return configured }
        guard let topic = topicMaxMessageBytes, topic > headroomBytes else { return fallbackValueBytes }
        return min(topic, producerMaxMessageBytes) - headroomBytes
    }
}
