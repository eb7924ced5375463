import Dispatch
import Synchronization

/// Partitions a rebalance is taking from this consumer, held until the application acknowledges.
public final class KafkaRevocation: Sendable {
    /// The partitions being revoked.
    public let partitions: [KafkaTopicPartition]
    /// Whether the partitions were lost (the session expired) rather than revoked in a rebalance.
    /// Commits for lost partitions fail; nothing waits for the acknowledgement.
    public let isLost: Bool

    private let acknowledged = Mutex(false)
    private let signal = DispatchSemaphore(value: 0)

    init(partitions: [KafkaTopicPartition], isLost: Bool) {
        self.partitions = partitions
        self.isLost = isLost
    }

    /// Lets librdkafka release the partitions. Calling it more than once has no further effect.
    public func acknowledge() {
        let first = acknowledged.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { signal.signal() }
    }

    /// Whether ``acknowledge()`` was called.
    public var isAcknowledged: Bool { acknowledged.withLock { $0 } }

    /// Blocks the calling (poll) thread until acknowledged or `deadline` passes; true when acknowledged.
    func waitForAcknowledgement(deadline: Duration) -> Bool {
        let nanoseconds = Int(clamping: deadline.wholeMilliseconds * 1_000_000)
        return signal.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success
    }
}
