import Synchronization

/// Awaits a call that may never answer once what it calls is shutting down (a store whose pool
/// has stopped ignores cancellation), without being held by it: the call runs in a task of its
/// own, and this returns `nil` when `limit` passes first or, with `whenCancelled`, as soon as the
/// calling task is cancelled (the call is cancelled then too, but not awaited). Without
/// `whenCancelled` the call ignores the caller's cancellation: a last word on shutdown still goes
/// out. An abandoned call's result is dropped.
package func withAbandonment<T: Sendable>(
    after limit: Duration?, whenCancelled: Bool, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T? {
    let outcome = OneOutcome<T?>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.attach(continuation)
            // Gives up on the call unless it ends first (then the timer is cancelled and its settle is a no-op).
            let timer = limit.map { limit in
                Task {
                    try? await Task.sleep(for: limit)
                    outcome.settle(.success(nil))
                }
            }
            outcome.keep(Task {
                defer { timer?.cancel() }
                do { outcome.settle(.success(try await operation())) } catch { outcome.settle(.failure(error)) }
            })
        }
    } onCancel: {
        guard whenCancelled else { return }
        outcome.cancelCall()
        outcome.settle(.success(nil))
    }
}

/// Awaits `operation` until the calling task is cancelled, then gives it up (cancelled, not
/// awaited) and throws `CancellationError`: for a service's loop whose calls go to a store or
/// broker that may be stopping at the same moment.
package func abandonedOnCancel<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    guard let value = try await withAbandonment(after: nil, whenCancelled: true, operation) else { throw CancellationError() }
    return value
}

/// The first of several outcomes, delivered once to one continuation, whichever comes first.
private final class OneOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var settled = false
        var call: Task<Void, Never>?
        var callCancelled = false
    }

    private let state = Mutex(State())

    func attach(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// The task running the call, cancelled by ``cancelCall()`` even if that came first.
    func keep(_ call: Task<Void, Never>) {
        let cancelNow = state.withLock { state in
            state.call = call
            return state.callCancelled
        }
        if cancelNow { call.cancel() }
    }

    func cancelCall() {
        state.withLock { state in
            state.callCancelled = true
            return state.call
        }?.cancel()
    }

    func settle(_ result: Result<T, any Error>) {
        let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
            guard !state.settled else { return nil }
            state.settled = true
            guard let continuation = state.continuation else {
                state.early = result
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume(with: result)
    }
}
