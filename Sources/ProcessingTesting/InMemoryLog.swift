import Kafka
import Processing
import Synchronization

/// An in-memory topic with committed offsets, standing in for a broker in tests and benchmarks.
///
/// Append records first, then create ``InMemoryProcessingSource``s over it: a source sees the
/// records present when it was created. Committed offsets outlive sources, so a new source (a
/// restart) starts where the last commit left off.
public final class InMemoryLog: Sendable {
    private struct State {
        var partitions: [KafkaTopicPartition: [InMemoryRecord]] = [:]
        var committed: [KafkaTopicPartition: Int64] = [:]
        var nextAssignment: UInt64 = 0
    }

    /// The topic's name.
    public let topic: String
    private let state: Mutex<State>
    private let onCommit: @Sendable ([KafkaTopicPartition: Int64]) -> Void

    /// - Parameter onCommit: observes every commit before it takes effect (tests check invariants here).
    private let listeners = Mutex<[@Sendable (InMemoryRecord) -> Void]>([])

    public init(topic: String, partitionCount: Int, onCommit: @escaping @Sendable ([KafkaTopicPartition: Int64]) -> Void = { _ in }) {
        self.topic = topic
        self.onCommit = onCommit
        var initial = State()
        for index in 0..<partitionCount {
            initial.partitions[KafkaTopicPartition(topic: topic, partition: Int32(index))] = []
        }
        self.state = Mutex(initial)
    }

    /// Every partition of the topic.
    public var partitions: [KafkaTopicPartition] {
        state.withLock { $0.partitions.keys.sorted { $0.partition < $1.partition } }
    }

    /// Appends a record `offsetGap` offsets after the previous one (1: contiguous), returning it.
    /// Sources that have its partition assigned deliver it too.
    @discardableResult
    public func append(partition: Int32, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], offsetGap: Int64 = 1) -> InMemoryRecord {
        precondition(offsetGap >= 1, "offsets must increase")
        let topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
        let record = state.withLock { state in
            guard let existing = state.partitions[topicPartition] else {
                preconditionFailure("partition \(topicPartition) does not exist")
            }
            let offset = existing.last.map { $0.offset + offsetGap } ?? 0
            let record = InMemoryRecord(topicPartition: topicPartition, offset: offset, key: key, value: value, headers: headers)
            state.partitions[topicPartition]!.append(record)
            return record
        }
        for listener in listeners.withLock({ $0 }) { listener(record) }
        return record
    }

    /// Calls `listener` with every record appended from now on.
    func observeAppends(_ listener: @escaping @Sendable (InMemoryRecord) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    /// The partition's records.
    public func records(in partition: KafkaTopicPartition) -> [InMemoryRecord] {
        state.withLock { $0.partitions[partition] ?? [] }
    }

    /// The partition's committed offset (the next to read), if any.
    public func committedOffset(_ partition: KafkaTopicPartition) -> Int64? {
        state.withLock { $0.committed[partition] }
    }

    func commit(_ offsets: [KafkaTopicPartition: Int64]) {
        onCommit(offsets)
        state.withLock { state in
            for (partition, offset) in offsets { state.committed[partition] = offset }
        }
    }

    /// Starts an assignment of `partition`: its records from the committed offset on, and its id.
    func beginAssignment(of partition: KafkaTopicPartition) -> (records: ArraySlice<InMemoryRecord>, id: UInt64, start: Int64) {
        state.withLock { state in
            state.nextAssignment += 1
            let records = state.partitions[partition] ?? []
            let start = state.committed[partition] ?? 0
            let index = records.firstIndex { $0.offset >= start } ?? records.endIndex
            return (records[index...], state.nextAssignment, start)
        }
    }
}
