import Logging
import Processing
import ProcessingTesting
import Synchronization

/// Holds handler calls until the test lets them through, per offset or all at once.
final class HandlerGate: Sendable {
    private struct State {
        var open = false
        var released: Set<Int64> = []
        var waiting: [Int64: [CheckedContinuation<Void, Never>]] = [:]
    }

    private let state = Mutex(State())

    func pass(_ record: InMemoryRecord) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let through = state.withLock { state -> Bool in
                if state.open || state.released.contains(record.offset) { return true }
                state.waiting[record.offset, default: []].append(continuation)
                return false
            }
            if through { continuation.resume() }
        }
    }

    func release(offset: Int64) {
        let waiting = state.withLock { state in
            state.released.insert(offset)
            return state.waiting.removeValue(forKey: offset) ?? []
        }
        for continuation in waiting { continuation.resume() }
    }

    func openAll() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [:] }
            return state.waiting.values.flatMap { $0 }
        }
        for continuation in waiting { continuation.resume() }
    }
}

/// A handler that waits at a ``HandlerGate`` and fails while `shouldFail` says so.
struct GatedHandler: ProcessingHandler {
    struct Failure: Error {}

    let recorder: HandlingRecorder
    let gate: HandlerGate
    var shouldFail: @Sendable (InMemoryRecord) -> Bool = { _ in false }

    func handle(_ record: InMemoryRecord) async throws -> [Never] {
        _ = recorder.begin(record)
        await gate.pass(record)
        let failed = shouldFail(record)
        recorder.end(record, succeeded: !failed)
        if failed { throw Failure() }
        return []
    }
}

/// Waits (polling) until `condition` holds; the test's time limit bounds the wait.
func waitUntil(_ condition: () -> Bool) async {
    while !condition() {
        try? await Task.sleep(for: .milliseconds(1))
    }
}

extension Logger {
    /// A logger for tests that only shows critical messages.
    static var quiet: Logger {
        var logger = Logger(label: "processing-tests")
        logger.logLevel = .critical
        return logger
    }
}
