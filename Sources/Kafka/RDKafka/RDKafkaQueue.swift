import CRdKafka
import Synchronization

/// Owns an `rd_kafka_queue_t` that the consumer's poll thread reads and other threads may wake.
final class RDKafkaQueue: Sendable {
    /// The queue; nil after ``destroy()``.
    private let queue: Mutex<QueuePointer?>

    /// An `rd_kafka_queue_t *`; librdkafka queues are thread-safe.
    struct QueuePointer: @unchecked Sendable {  // librdkafka's queue API is thread-safe
        let raw: OpaquePointer
    }

    init(_ queue: OpaquePointer) {
        self.queue = Mutex(QueuePointer(raw: queue))
    }

    deinit { destroy() }

    /// The queue, for the poll thread (the only thread that reads it or destroys it).
    var pointer: OpaquePointer? { queue.withLock { $0?.raw } }

    /// Sends `partition`'s fetched messages to this queue instead of the consumer queue.
    func forward(from handle: OpaquePointer, _ partition: KafkaTopicPartition) {
        guard let destination = pointer, let source = rd_kafka_queue_get_partition(handle, partition.topic, partition.partition) else { return }
        rd_kafka_queue_forward(source, destination)
        rd_kafka_queue_destroy(source)
    }

    /// Wakes a thread waiting on the queue.
    func yield() {
        queue.withLock { if let queue = $0 { rd_kafka_queue_yield(queue.raw) } }
    }

    func destroy() {
        queue.withLock { queue in
            if let existing = queue { rd_kafka_queue_destroy(existing.raw) }
            queue = nil
        }
    }
}
