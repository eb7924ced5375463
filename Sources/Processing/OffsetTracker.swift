/// Tracks one partition's received records and finds the offset that is safe to commit:
/// the lowest offset not yet complete, or one past the highest received when all are complete.
///
/// Offsets must arrive in increasing order but may have gaps (compaction, transaction markers).
struct OffsetTracker {
    // Received offsets in order, from `head` on: the ones at and after the lowest incomplete offset.
    private var offsets: [Int64] = []
    private var done: [Bool] = []
    private var sizes: [Int] = []
    private var head = 0

    /// Bytes of the records from the lowest incomplete offset on (what the commit point has not passed).
    private(set) var pendingBytes = 0
    /// Records from the lowest incomplete offset on.
    var pendingRecords: Int { offsets.count - head }

    /// The first offset received, the baseline for commit lag before any commit.
    private(set) var firstReceived: Int64?
    /// The highest offset received.
    private(set) var highestReceived: Int64?
    /// The highest offset committed (the next offset to read), if any commit succeeded.
    private(set) var committed: Int64?

    /// Records `offset` as received and incomplete. Returns false (and records nothing) if the
    /// offset is not above every offset received before.
    mutating func receive(_ offset: Int64, bytes: Int = 0) -> Bool {
        if let highest = highestReceived, offset <= highest { return false }
        if firstReceived == nil { firstReceived = offset }
        highestReceived = offset
        offsets.append(offset)
        done.append(false)
        sizes.append(bytes)
        pendingBytes += bytes
        return true
    }

    /// Marks a received offset complete.
    mutating func complete(_ offset: Int64) {
        var low = head
        var high = offsets.count
        while low < high {
            let mid = (low + high) / 2
            if offsets[mid] < offset { low = mid + 1 } else { high = mid }
        }
        guard low < offsets.count, offsets[low] == offset else { return }
        done[low] = true
        while head < offsets.count, done[head] {
            pendingBytes -= sizes[head]
            head += 1
        }
        if head == offsets.count {
            offsets.removeAll(keepingCapacity: true)
            done.removeAll(keepingCapacity: true)
            sizes.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= offsets.count {
            offsets.removeFirst(head)
            done.removeFirst(head)
            sizes.removeFirst(head)
            head = 0
        }
    }

    /// The offset to commit: no record below it is incomplete. Nil before any record arrived.
    var commitPosition: Int64? {
        if head < offsets.count { return offsets[head] }
        return highestReceived.map { $0 + 1 }
    }

    /// The position to commit if it is ahead of the last commit (or, before any commit, of the
    /// first record received).
    var pendingCommit: Int64? {
        guard let position = commitPosition, let base = committed ?? firstReceived else { return nil }
        return position > base ? position : nil
    }

    /// Records a successful commit of `offset`.
    mutating func recordCommit(_ offset: Int64) {
        committed = max(committed ?? offset, offset)
    }

    /// Records received and not yet committed.
    var commitLag: Int64 {
        guard let highest = highestReceived, let base = committed ?? firstReceived else { return 0 }
        return max(0, highest + 1 - base)
    }
}
