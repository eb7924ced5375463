import DequeModule
import Synchronization

/// Lets async work run one at a time, in arrival order, without blocking a thread.
///
/// Used so pause/resume calls, and commits, never overlap or reorder.
public final class AsyncSerialLock: Sendable {
    private struct State {
        var locked = false
        var waiters = Deque<CheckedContinuation<Void, Never>>()
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` once every earlier holder finished. Not cancellable while waiting: holders only
    /// run short calls.
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
