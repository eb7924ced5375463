import Foundation

/// A capture that cannot progress now: its tenant's breaker is open, its rate budget will not
/// admit it soon, its claim-check host or Vlens keeps failing transiently. The handler parks it
/// instead of holding its in-flight slot and its partition's commit point.
package struct CaptureBlocked: Error, Sendable {
    /// Why, as a bounded code (a metric label).
    package enum Reason: String, Sendable, CaseIterable {
        /// The tenant's circuit breaker is open.
        case breakerOpen = "breaker_open"
        /// The tenant's rate budget (or Vlens's 429s) will not admit the call soon.
        case rateLimited = "rate_limited"
        /// Vlens kept answering 5xx, timing out or refusing connections past the short in-place retry.
        case vlensUnavailable = "vlens_unavailable"
        /// The claim-check image host failed transiently (5xx, connection, time-out, DNS).
        case imageHostUnavailable = "image_host_unavailable"
        /// An earlier capture of the same transaction is parked; this one waits behind it.
        case behindParked = "behind_parked"
        /// The capture needs steps of its transaction that have not completed (a liveness before
        /// both sides, a link before liveness). It waits aside: later captures of its transaction
        /// pass it.
        case awaitingSteps = "awaiting_steps"
        /// A Vlens call for this capture that another worker (or another task of this one) started
        /// may still be running: calling again would make Vlens process the capture twice.
        case callInFlightElsewhere = "call_in_flight_elsewhere"
        /// A stored row the capture needs does not open (a result sealed with a key
        /// `STORE_ENCRYPTION_KEYS` no longer lists, a damaged row): only an operator can end it, and
        /// retrying in place would hold the partition's commit point until then.
        case storeUnreadable = "store_unreadable"
    }

    package var reason: Reason
    /// The earliest time worth trying again.
    package var retryAt: Date
    /// Transient failures (calls or fetches that failed) during this try; they count against the
    /// capture's attempt budget.
    package var failedAttempts: Int
    /// Whether a call of this try may have been processed by Vlens (it timed out or the connection
    /// failed after sending), so a later call is an uncertain repeat.
    package var callUncertain = false
    /// The tenant whose capture it is (set by the handler, which knows the gateway).
    package var tenant = ""

    package init(reason: Reason, retryAt: Date, failedAttempts: Int, callUncertain: Bool = false, tenant: String = "") {
        self.reason = reason
        self.retryAt = retryAt
        self.failedAttempts = failedAttempts
        self.callUncertain = callUncertain
        self.tenant = tenant
    }
}
