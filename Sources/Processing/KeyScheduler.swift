import DequeModule

/// Decides which queued record runs next: one at a time per lane, in arrival order, with at most
/// `maxRunning` running in total. Lanes waiting for a free slot are served first come, first served.
struct KeyScheduler<Item> {
    private struct Lane {
        var pending = Deque<Item>()
        var busy: Bool
    }

    // A lane exists while it runs a record or has pending ones; an idle lane with pending records
    // is in `ready` exactly once (stale entries of dropped lanes are skipped on pop).
    private var lanes: [LaneKey: Lane] = [:]
    private var ready = Deque<LaneKey>()
    private(set) var running = 0
    let maxRunning: Int
    /// When false nothing new starts (shutdown).
    var dispatching = true

    init(maxRunning: Int) {
        precondition(maxRunning > 0, "maxInFlightRecords must be positive")
        self.maxRunning = maxRunning
    }

    /// Adds a record to its lane. Returns it if it starts now; the caller runs it.
    mutating func enqueue(_ item: Item, lane key: LaneKey) -> Item? {
        if lanes[key] != nil {
            lanes[key]!.pending.append(item)
            return nil
        }
        if dispatching, running < maxRunning {
            lanes[key] = Lane(busy: true)
            running += 1
            return item
        }
        var lane = Lane(busy: false)
        lane.pending.append(item)
        lanes[key] = lane
        ready.append(key)
        return nil
    }

    /// Records that the running record of `key` finished. Returns the record to run next in the
    /// freed slot, from whichever lane waited longest.
    mutating func finish(lane key: LaneKey) -> Item? {
        running -= 1
        if let lane = lanes[key] {
            precondition(lane.busy, "finished a record of a lane that was not running")
            if lane.pending.isEmpty {
                lanes[key] = nil
            } else {
                lanes[key]!.busy = false
                ready.append(key)
            }
        }
        return startNext()
    }

    /// Starts the next waiting record if a slot is free.
    mutating func startNext() -> Item? {
        guard dispatching else { return nil }
        while running < maxRunning, let key = ready.popFirst() {
            guard let lane = lanes[key], !lane.busy, !lane.pending.isEmpty else { continue }
            lanes[key]!.busy = true
            running += 1
            return lanes[key]!.pending.popFirst()
        }
        return nil
    }

    /// Drops the pending (not running) records of lanes matching `isDropped`, returning them.
    /// Running records keep their lane busy until they finish.
    mutating func dropPending(where isDropped: (LaneKey) -> Bool) -> [Item] {
        var dropped: [Item] = []
        for key in Array(lanes.keys) where isDropped(key) {
            dropped += lanes[key]!.pending
            lanes[key]!.pending.removeAll()
            if !lanes[key]!.busy { lanes[key] = nil }
        }
        return dropped
    }
}
