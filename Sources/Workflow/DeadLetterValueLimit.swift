import Synchronization

/// The largest value a dead letter carries, shared by the capture handler and whatever learns the
/// dead-letter topic's own limit after start-up (a broker may take seconds to say, or never).
public final class DeadLetterValueLimit: Sendable {
    private let value: Atomic<Int>

    public init(bytes: Int) { value = Atomic(bytes) }

    public var bytes: Int { value.load(ordering: .relaxed) }

    public func set(_ bytes: Int) { value.store(bytes, ordering: .relaxed) }
}
