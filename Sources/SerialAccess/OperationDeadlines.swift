import Synchronization

/// Bounds how long an operation may keep its caller waiting, even an operation that ignores
/// cancellation: it runs in a task of its own, and once `timeout` passed the caller gets
/// ``Exceeded`` while the operation is cancelled and left to end on its own. Deadlines are
/// checked by ``watch(every:)``, one loop for every operation, not a timer each.
public final class OperationDeadlines: Sendable {
    /// Thrown to a caller whose operation did not end within the timeout.
    public struct Exceeded: Error, CustomStringConvertible {
        public let timeout: Duration
        public var description: String { "no answer within \(timeout)" }
    }

    private struct Pending {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var nextID: UInt64 = 0
        var pending: [UInt64: Pending] = [:]
    }

    public let timeout: Duration
    private let state = Mutex(State())

    public init(timeout: Duration) {
        self.timeout = timeout
    }

    /// Runs `operation`, returning its result or throwing its error, or ``Exceeded`` once
    /// `timeout` (by default the instance's) passed without either (checked while ``watch(every:)`` runs).
    public func run<T: Sendable>(within timeout: Duration? = nil, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let id = state.withLock { state in
            defer { state.nextID &+= 1 }
            return state.nextID
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let once = ResumeOnce(continuation)
            let task = Task {
                let result = await Result { try await operation() }
                self.state.withLock { _ = $0.pending.removeValue(forKey: id) }
                once.resume(with: result)
            }
            let timeout = timeout ?? self.timeout
            state.withLock { state in
                state.pending[id] = Pending(deadline: .now + timeout) {
                    if once.resume(with: .failure(Exceeded(timeout: timeout))) { task.cancel() }
                }
            }
        }
    }

    /// Expires overdue operations every `interval` until cancelled.
    public func watch(every interval: Duration = .milliseconds(500)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = ContinuousClock.now
            let overdue = state.withLock { state in
                let overdue = state.pending.filter { $0.value.deadline <= now }
                for id in overdue.keys { state.pending.removeValue(forKey: id) }
                return overdue.values.map(\.expire)
            }
            for expire in overdue { expire() }
        }
    }

    /// A continuation the first of two racers resumes.
    private final class ResumeOnce<T: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<T, any Error>?>
        init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = Mutex(continuation) }

        /// Whether this call resumed it (false when the other racer already had).
        @discardableResult
        func resume(with result: Result<T, any Error>) -> Bool {
            guard let continuation = continuation.withLock({ $0.take() }) else { return false }
            continuation.resume(with: result)
            return true
        }
    }
}

extension Result where Failure == any Error {
    fileprivate init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
