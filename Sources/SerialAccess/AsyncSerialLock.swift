import DequeModule
import Synchronization

/// Lets async work run one holder at a time, in arrival order, without blocking a thread: unlike an
/// actor, which is re-entrant across `await`, a holder may suspend while it holds the lock and nobody
/// else gets in. The processing engine runs its pause/resume calls and its commits through one, so
/// they never overlap or reorder; the transactional outbox its Kafka transactions. Waiting is not
/// cancellable: hold it only for short calls. Each hand-off waits for the next holder to be
/// scheduled, which on a saturated executor is a wait of its own: not for work as frequent and as
/// short as a store's statements.
public final class AsyncSerialLock: Sendable {
    private struct State {
        var locked = false
        var waiters = Deque<CheckedContinuation<Void, Never>>()
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` once every earlier holder has finished, and holds the lock until `body` returns or
    /// throws.
    public func withLock<T>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let acquired = state.withLock { state -> Bool in
            if state.locked { return false }
            state.locked = true
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquiredNow = state.withLock { state -> Bool in
                if state.locked {
                    state.waiters.append(continuation)
                    return false
                }
                state.locked = true
                return true
            }
            if acquiredNow { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let next = state.waiters.popFirst() { return next }  // ownership passes on
            state.locked = false
            return nil
        }
        next?.resume()
    }
}
