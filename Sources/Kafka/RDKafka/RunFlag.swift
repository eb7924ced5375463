import Synchronization

/// A thread-safe "keep running" flag a poll thread checks between polls.
final class RunFlag: Sendable {
    private let running = Mutex(true)

    var isRunning: Bool { running.withLock { $0 } }

    func stop() { running.withLock { $0 = false } }
}
