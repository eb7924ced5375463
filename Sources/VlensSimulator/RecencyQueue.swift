import DequeModule

/// Transaction ids from least to most recently used, for evicting the least recently used first:
/// touching an id moves it to the back, in amortised constant time (a touch appends; the id's earlier
/// entries go stale, are skipped when popped and compacted away).
struct RecencyQueue {
    private var entries: Deque<(id: String, touch: UInt64)> = []
    /// The touch number of each present id's latest entry.
    private var latest: [String: UInt64] = [:]
    private var touches: UInt64 = 0

    /// Marks `id` as used now.
    mutating func touch(_ id: String) {
        touches += 1
        entries.append((id, touches))
        latest[id] = touches
        if entries.count > 2 * latest.count + 1024 { compact() }
    }

    /// Removes and returns the least recently used id, or `nil` when none is left.
    mutating func popOldest() -> String? {
        while let entry = entries.popFirst() {
            if isLatest(entry) {
                latest[entry.id] = nil
                return entry.id
            }
        }
        return nil
    }

    /// The ids, least recently used first.
    var ordered: [String] {
        entries.compactMap { isLatest($0) ? $0.id : nil }
    }

    private func isLatest(_ entry: (id: String, touch: UInt64)) -> Bool {
        latest[entry.id] == entry.touch
    }

    private mutating func compact() {
        entries = Deque(entries.filter(isLatest))
    }
}
