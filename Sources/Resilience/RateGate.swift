import Synchronization

/// The queue of one tenant's calls waiting for its pace: first come, first served, and only the
/// first in line asks the pacer, so a share that grows is used at once (no caller sleeps until a
/// slot computed under a smaller share).
package final class RateGate: Sendable {
    private struct State {
        package var nextTicket: UInt64 = 0
        /// Tickets in line, first first.
        package var line: [UInt64] = []
        /// Callers waiting to become first, by ticket.
        package var sleepers: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Tickets whose task was cancelled before it slept.
        package var cancelled: Set<UInt64> = []
    }

    private let state = Mutex(State())
    /// The longest the first in line sleeps before asking again (a share may have grown meanwhile).
    private let recheck: Duration

    package init(recheck: Duration = .milliseconds(100)) {
        self.recheck = recheck
    }

    /// Waits for the caller's turn, then until `admit` lets the call go (`admit` returns `nil` and
    /// records the call, or the instant to ask again). Throws `CancellationError` when cancelled.
    package func pass(admit: () -> ContinuousClock.Instant?) async throws {
        let ticket = state.withLock { state in
            defer { state.nextTicket += 1 }
            state.line.append(state.nextTicket)
            return state.nextTicket
        }
        defer { leave(ticket) }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.line.first == ticket || state.cancelled.remove(ticket) != nil { return true }
                    state.sleepers[ticket] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                let sleeper = state.sleepers.removeValue(forKey: ticket)
                if sleeper == nil { state.cancelled.insert(ticket) }
                return sleeper
            }
            sleeper?.resume()
        }
        while let retryAt = admit() {
            try await Task.sleep(until: min(retryAt, .now + recheck), clock: .continuous)
        }
    }

    /// Takes `ticket` out of line and wakes whoever is first now.
    private func leave(_ ticket: UInt64) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.line.removeAll { $0 == ticket }
            state.cancelled.remove(ticket)
            guard let first = state.line.first else { return nil }
            return state.sleepers.removeValue(forKey: first)
        }
        next?.resume()
    }
}
