/// A record the engine holds, with what it needs to route its completion.
struct Dispatch<Record: ProcessingRecord>: Sendable {
    var record: Record
    var lane: LaneKey
    /// The assignment of the partition the record was received in; a completion from an earlier
    /// assignment (before a revocation) must not touch the current one's offsets.
    var epoch: UInt64
}
