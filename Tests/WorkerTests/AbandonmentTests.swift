import Resilience
import Synchronization
import Testing

@Suite("Abandoning a call that may never answer")
struct AbandonmentTests {
    /// A call that answers only when opened and ignores cancellation, like a request to a stopped pool.
    private final class Latch: Sendable {
        private let waiters = Mutex<(open: Bool, continuations: [CheckedContinuation<Void, Never>])>((false, []))
        private let sawCancellation = Mutex(false)

        var cancelled: Bool { sawCancellation.withLock { $0 } }
        /// Whether a call waits at the latch now.
        var isWaited: Bool { waiters.withLock { !$0.continuations.isEmpty } }

        func wait() async {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = waiters.withLock { state in
                        if state.open { return true }
                        state.continuations.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                sawCancellation.withLock { $0 = true }
            }
        }

        func open() {
            waiters.withLock { state in
                state.open = true
                defer { state.continuations = [] }
                return state.continuations
            }.forEach { $0.resume() }
        }
    }

    private struct Refused: Error {}

    @Test func returnsTheAnswerOfACallThatAnswers() async throws {
        let value = try await withAbandonment(after: .seconds(60), whenCancelled: true) { 42 }
        #expect(value == 42)
    }

    @Test func rethrowsTheCallsError() async {
        await #expect(throws: Refused.self) {
            _ = try await withAbandonment(after: .seconds(60), whenCancelled: false) { () async throws -> Int in throw Refused() }
        }
    }

    @Test func givesUpOnACallThatNeverAnswersWhenTheLimitPasses() async throws {
        let latch = Latch()
        defer { latch.open() }
        let value = try await withAbandonment(after: .milliseconds(50), whenCancelled: false) { await latch.wait(); return 1 }
        #expect(value == nil)
    }

    @Test func givesUpAndCancelsTheCallWhenTheCallerIsCancelled() async throws {
        let latch = Latch()
        defer { latch.open() }
        let caller = Task { try await withAbandonment(after: nil, whenCancelled: true) { await latch.wait(); return 1 } }
        // The call waits at the latch before its caller is cancelled (a fixed sleep could come first on a busy pool).
        let deadline = ContinuousClock.now + .seconds(60)
        while !latch.isWaited, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        caller.cancel()
        #expect(try await caller.value == nil)
        #expect(latch.cancelled)
    }

    @Test func aCallerAlreadyCancelledGivesUpAtOnce() async throws {
        let latch = Latch()
        defer { latch.open() }
        let caller = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await withAbandonment(after: nil, whenCancelled: true) { await latch.wait(); return 1 }
        }
        #expect(try await caller.value == nil)
    }

    @Test func withoutWhenCancelledTheCallOutlivesTheCallersCancellation() async throws {
        let latch = Latch()
        let caller = Task { try await withAbandonment(after: .seconds(60), whenCancelled: false) { await latch.wait(); return 7 } }
        caller.cancel()
        try await Task.sleep(for: .milliseconds(20))
        latch.open()
        #expect(try await caller.value == 7)
        #expect(!latch.cancelled)
    }

    @Test func abandonedOnCancelThrowsCancellationWhenTheCallerIsCancelled() async throws {
        let latch = Latch()
        defer { latch.open() }
        let caller = Task { try await abandonedOnCancel { await latch.wait(); return 1 } }
        try await Task.sleep(for: .milliseconds(20))
        caller.cancel()
        await #expect(throws: CancellationError.self) { _ = try await caller.value }
        #expect(try await abandonedOnCancel { 5 } == 5)
    }
}
