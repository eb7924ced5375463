import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// SIGTERM and SIGINT for a worker that handles its own signals, trapped from before start-up.
///
/// - The first stops the worker gracefully: stop fetching, drain running captures, commit, leave
///   the group. One that arrives while the worker is still starting (connecting to Kafka, migrating
///   the store) is kept, and the worker stops as soon as it has started, instead of dying unhandled.
/// - A second stops it now: the group is cancelled, nothing more is committed, the consumer leaves
///   its group at once, and the running captures are handled again by the partitions' next owner
///   (a capture whose Vlens call was under way waits out its in-flight marker's lease there). While
///   the worker is still starting, or at a third signal (a cancellation that hangs), the process
///   exits at once. Either way the exit status is 130.
final class StopSignals: Sendable {
    private struct State {
        var received = 0
        var group: ServiceGroup?
        var running: Task<Void, any Error>?
    }

    private let state = Mutex(State())
    private let logger: Logger

    /// Whether a second signal stopped the worker without its drain.
    var forced: Bool { state.withLock { $0.received >= 2 } }

    private init(logger: Logger) {
        self.logger = logger
    }

    /// Traps SIGTERM and SIGINT and watches for them until `body` returns.
    static func watching<T>(logger: Logger, _ body: (StopSignals) async throws -> T) async throws -> T {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let stop = StopSignals(logger: logger)
        let watcher = Task {
            for await signal in signals { await stop.received(signal) }
        }
        defer { watcher.cancel() }
        return try await body(stop)
    }

    /// Runs `group` until it stops, applying the signals received so far and those to come.
    func run(_ group: ServiceGroup) async throws {
        let running = Task { try await group.run() }
        let received = state.withLock { state in
            state.group = group
            state.running = running
            return state.received
        }
        if received >= 1 { await group.triggerGracefulShutdown() }
        if received >= 2 { running.cancel() }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            running.cancel()
        }
    }

    private func received(_ signal: UnixSignal) async {
        let (count, group, running) = state.withLock { state in
            state.received += 1
            return (state.received, state.group, state.running)
        }
        if count == 1 {
            logger.info(
                "stop signal: stopping gracefully (drain, commit, leave the group); send it again to stop at once",
                metadata: ["signal": "\(signal)"])
            await group?.triggerGracefulShutdown()
        } else if count == 2, let running {
            logger.warning(
                "second stop signal: stopping now, without waiting for running captures (their partitions' next owner handles them again)",
                metadata: ["signal": "\(signal)"])
            running.cancel()
        } else {
            // Still starting (nothing runs that a cancellation would stop), or the cancellation hangs.
            logger.warning("stop signal again: exiting now", metadata: ["signal": "\(signal)"])
            exit(130)
        }
    }
}
