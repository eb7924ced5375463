import Synchronization

/// One async lock per lane (transaction), so the live handler and the resumer never work on the
/// same transaction at once. A lane's entry exists only while someone holds or waits for it.
package final class LaneLocks: Sendable {
    private struct Lane {
        package var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let lanes = Mutex<[String: Lane]>([:])

    /// Runs `body` once every earlier holder of `lane` finished, in arrival order.
    package func withLock<T>(_ lane: String, _ body: () async throws -> T) async rethrows -> T {
        await acquire(lane)
        defer { release(lane) }
        return try await body()
    }

    /// Whether someone holds `lane` now.
    package func isHeld(_ lane: String) -> Bool {
        lanes.withLock { $0[lane] != nil }
    }

    private func acquire(_ lane: String) async {
        let acquired = lanes.withLock { lanes -> Bool in
            guard lanes[lane] == nil else { return false }
            lanes[lane] = Lane()
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquiredNow = lanes.withLock { lanes -> Bool in
                guard lanes[lane] == nil else {
                    lanes[lane]!.waiters.append(continuation)
                    return false
                }
                lanes[lane] = Lane()
                return true
            }
            if acquiredNow { continuation.resume() }
        }
    }

    private func release(_ lane: String) {
        let next = lanes.withLock { lanes -> CheckedContinuation<Void, Never>? in
            guard var entry = lanes[lane] else { return nil }
            guard !entry.waiters.isEmpty else {
                lanes[lane] = nil
                return nil
            }
            let next = entry.waiters.removeFirst()  // ownership passes on
            lanes[lane] = entry
            return next
        }
        next?.resume()
    }
}
