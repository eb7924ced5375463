import SerialAccess
import Synchronization
import Testing

@Suite("Operation deadlines", .timeLimit(.minutes(1)))
struct OperationDeadlinesTests {
    @Test("an operation that ends in time gives its result or its error")
    func inTime() async throws {
        let deadlines = OperationDeadlines(timeout: .seconds(30))
        let watcher = Task { await deadlines.watch(every: .milliseconds(50)) }
        defer { watcher.cancel() }
        #expect(try await deadlines.run { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await deadlines.run { () async throws -> Int in throw Refused() } }
    }

    @Test("an operation that ignores cancellation and never ends: the caller gets Exceeded, and the operation is cancelled")
    func hung() async throws {
        let deadlines = OperationDeadlines(timeout: .milliseconds(300))
        let watcher = Task { await deadlines.watch(every: .milliseconds(50)) }
        defer { watcher.cancel() }
        let sawCancellation = Mutex(false)
        let release = AsyncStream<Void>.makeStream()
        await #expect(throws: OperationDeadlines.Exceeded.self) {
            try await deadlines.run { () async throws -> Int in
                // Waits for a stream nobody finishes until the end of the test: no cancellation ends it.
                for await _ in release.stream {}
                sawCancellation.withLock { $0 = Task.isCancelled }
                return 0
            }
        }
        release.continuation.finish()
        let deadline = ContinuousClock.now + .seconds(20)
        while !sawCancellation.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(sawCancellation.withLock { $0 }, "the abandoned operation was cancelled")
    }
}
