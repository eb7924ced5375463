/// Transaction ids from least to most recently used, for evicting the least recently used first:
/// touching an id moves it to the back, in amortised constant time (stale entries are skipped and
/// compacted away).
struct RecencyQueue {
    private var entries: [String] = []
    private var head = 0
    /// The position in `entries` of each present id's latest entry.
    private var latest: [String: Int] = [:]

    /// Marks `id` as used now.
    mutating func touch(_ id: String) {
        entries.append(id)
        latest[id] = entries.count - 1
        if entries.count - head > 2 * latest.count + 1024 { compact() }
    }

    /// Removes and returns the least recently used id, or `nil` when none is left.
    mutating func popOldest() -> String? {
        while head < entries.count {
            let id = entries[head]
            let position = head
            head += 1
            if latest[id] == position {
                latest[id] = nil
                return id
            }
        }
        return nil
    }

    /// The ids, least recently used first.
    var ordered: [String] {
        (head..<entries.count).compactMap { position in latest[entries[position]] == position ? entries[position] : nil }
    }

    private mutating func compact() {
        let live = ordered
        entries = live
        head = 0
        latest = Dictionary(uniqueKeysWithValues: live.enumerated().map { ($1, $0) })
    }
}
