/// One worker instance's report of the partitions it processes: its consumer's current assignment.
/// Instances sharing a store see each other's reports, so any of them can tell which partitions of
/// the group's topic nobody processes, whatever the broker says.
public struct PartitionOwnership: Sendable, Hashable {
    public var group: String
    public var topic: String
    public var instance: String
    public var partitions: [Int32]

    public init(group: String, topic: String, instance: String, partitions: [Int32]) {
        self.group = group
        self.topic = topic
        self.instance = instance
        self.partitions = partitions
    }

    /// The stored form: partition numbers, comma-separated, ascending.
    var encodedPartitions: String { partitions.sorted().map(String.init).joined(separator: ",") }

    static func decodePartitions(_ text: String) -> [Int32] {
        text.split(separator: ",").compactMap { Int32($0) }
    }
}
