import Foundation
import Resilience
import Store
import Synchronization

/// Who may call Vlens for a capture now.
///
/// Vlens has no idempotency key: two calls for one capture are two verifications. Before its first
/// request a worker claims the capture's in-flight marker in the store, and it keeps off a capture
/// whose call may still be running elsewhere:
/// - in another worker: its marker counts as live for ``lease`` after it was set (a worker that lost
///   the partition mid-call, its revocation drain over before Vlens answered, is still waiting for
///   the answer). A marker of a worker that died is taken over once the lease has run out; that
///   call is an uncertain repeat.
/// - in this process: a task still handling it from an earlier assignment of the partition
///   (until its result is stored, so the other cannot take over this worker's own marker).
///
/// A capture held elsewhere throws ``CaptureBlocked`` (`call_in_flight_elsewhere`): it is parked,
/// its transaction waits behind it, and it looks again every ``recheck`` until the call completes
/// (its result is then re-published from the store) or the lease runs out.
package final class VlensCallClaims: Sendable {
    /// This worker's name in markers (`WORKER_INSTANCE_ID`).
    package let owner: String
    /// How long another worker's call may still be running after it set its marker.
    package let lease: Duration
    /// How long a capture held elsewhere waits before it looks again, at most.
    package let recheck: Duration
    /// Captures with a call of this process under way (their event ids).
    private let running = Mutex<Set<String>>([])

    package init(owner: String, lease: Duration, recheck: Duration = .seconds(1)) {
        self.owner = owner
        self.lease = lease
        self.recheck = recheck
    }

    /// The lease for a worker whose tries wait in place up to `parkAfter` (twice: the rate limit,
    /// then retries) and whose requests take up to `requestTimeout`, with 5 s of margin.
    package static func lease(requestTimeout: Duration, parkAfter: Duration) -> Duration {
        requestTimeout + parkAfter * 2 + .seconds(5)
    }

    /// Runs `body`, the handling of the capture (from its look-up to its result stored), unless a
    /// task of this process handles it already.
    package func locally<T>(_ key: CaptureKey, _ body: () async throws -> T) async throws -> T {
        let entered = running.withLock { $0.insert(key.captureEventID).inserted }
        guard entered else { throw blocked(until: Date() + recheck) }
        defer { _ = running.withLock { $0.remove(key.captureEventID) } }
        return try await body()
    }

    /// When this worker last set one capture's marker (one call), for ``renewIfStale(_:in:hold:)``.
    package final class Hold: Sendable {
        fileprivate let marked = Mutex<Date?>(nil)
        package init() {}
    }

    /// Claims the capture's marker for this worker, and notes when in `hold`.
    ///
    /// - Returns: the marker of an earlier attempt that never completed, if any.
    /// - Throws: ``CaptureBlocked`` when another worker's call may still be running, or when the
    ///   capture's result is stored by now (it is tried again at once, and re-published).
    package func claim(_ key: CaptureKey, in store: any VerificationStore, hold: Hold) async throws -> InFlightMarker? {
        let now = Date()
        switch try await store.beginCall(key, owner: owner, at: now, takingOverBefore: now.addingTimeInterval(-lease.timeInterval)) {
        case .started(let previous):
            hold.marked.withLock { $0 = now }
            return previous
        case .heldElsewhere(let marker):
            throw blocked(until: min(marker.startedAt + lease, now + recheck))
        case .completed:
            // Another worker stored the result since this one looked: the capture comes back at
            // once, finds it and re-publishes it.
            throw blocked(until: now)
        }
    }

    /// Before each request: a marker set more than a quarter of the lease ago is moved to now, so no
    /// worker takes over a call that is still being made here (a long wait for the pace or a
    /// `Retry-After`, retries). Throws ``CaptureBlocked`` when the marker is no longer this worker's:
    /// the request must not go out.
    package func renewIfStale(_ key: CaptureKey, in store: any VerificationStore, hold: Hold) async throws {
        let now = Date()
        guard let marked = hold.marked.withLock({ $0 }), now.timeIntervalSince(marked) > lease.timeInterval / 4 else { return }
        guard try await store.renewCall(key, owner: owner, at: now) else { throw blocked(until: now + recheck) }
        hold.marked.withLock { $0 = now }
    }

    private func blocked(until date: Date) -> CaptureBlocked {
        CaptureBlocked(reason: .callInFlightElsewhere, retryAt: date, failedAttempts: 0)
    }
}
