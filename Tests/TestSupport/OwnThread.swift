import Foundation

/// Runs blocking `body` (a C library's waits, a synchronous poll loop) on a thread of its own and
/// awaits its result. The tests run in parallel on the cooperative pool, which has one thread per core
/// (two here): a test that blocks one of them for seconds starves every other test's tasks, so
/// servers they start miss their start-up deadlines.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
