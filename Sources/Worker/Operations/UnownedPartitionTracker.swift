/// Remembers since when each partition has been without an owner, and names those past a bound.
///
/// Pure: ``GroupOwnershipMonitor`` feeds it what the group coordinator reports.
struct UnownedPartitionTracker {
    let bound: Duration
    private var since: [Int32: ContinuousClock.Instant] = [:]

    init(bound: Duration) {
        self.bound = bound
    }

    /// Records that `unowned` had no owner at `now`; returns those without one for at least ``bound``.
    mutating func observe(unowned: Set<Int32>, at now: ContinuousClock.Instant) -> Set<Int32> {
        since = since.filter { unowned.contains($0.key) }
        for partition in unowned where since[partition] == nil { since[partition] = now }
        return Set(since.filter { now - $0.value >= bound }.keys)
    }
}
