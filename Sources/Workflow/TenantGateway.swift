import Foundation
import Logging
import Synchronization
import VlensAPI
import Observability
import Resilience

/// One tenant's way to Vlens: its client, its request pacer (this instance's share of the tenant's
/// rate limit) and its circuit breaker.
package final class TenantGateway: Sendable {
    package let name: String
    package let client: VlensClient
    /// The tenant's whole limit, which the instances of a group share.
    package let limit: RateLimit
    /// How late a call may reach Vlens and still keep the pace (`VLENS_RATE_LIMIT_TRANSIT_MS`).
    package let transitAllowance: Duration
    private let pacer: Mutex<RequestPacer>
    /// The line of this tenant's calls waiting for the pace.
    private let gate = RateGate()
    private let breaker: Mutex<CircuitBreaker>
    /// The tenant's captures waiting for the rate limit now, and how many may.
    private let rateWaiters = Mutex(0)
    /// Calls let through the rate limit since ``takeAdmittedCount()`` was last asked.
    private let admittedCalls = Mutex(0)
    package let maxRateWaiters: Int
    /// Re-send a step whose user token Vlens refuses without it (`VLENS_USER_TOKEN_FALLBACK=api-key-only`).
    package let userTokenFallback: Bool
    /// Whether Vlens has answered this tenant's ApiKey with anything but 401. Until it has, a 401 is
    /// read as the ApiKey's (Vlens does not say which credential it refused).
    private let apiKeyAccepted = Mutex(false)
    private let metrics: WorkerMetrics
    private let health: WorkerHealth
    private let logger: Logger

    package init(
        name: String, client: VlensClient, limit: RateLimit, breaker: CircuitBreaker.Configuration, maxRateWaiters: Int,
        userTokenFallback: Bool = false, transitAllowance: Duration = RequestPacer.defaultTransitAllowance,
        metrics: WorkerMetrics, health: WorkerHealth, logger: Logger
    ) {
        self.name = name
        self.userTokenFallback = userTokenFallback
        self.maxRateWaiters = max(1, maxRateWaiters)
        self.client = client
        self.limit = limit
        self.transitAllowance = transitAllowance
        self.pacer = Mutex(RequestPacer(limit: limit, transitAllowance: transitAllowance))
        self.breaker = Mutex(CircuitBreaker(configuration: breaker))
        self.metrics = metrics
        self.health = health
        self.logger = logger
    }

    /// Returns at once when the breaker lets a call through (whether the call is the breaker's
    /// probe); while it is open, throws ``CaptureBlocked`` (`breaker_open`) with the next probe time.
    /// Waiting in place would only hold an in-flight slot: one probe at a time gets through.
    package func awaitBreaker() throws -> Bool {
        switch breaker.withLock({ $0.permit(now: .now) }) {
        case .call: return false
        case .probe: return true
        case .wait(let until): throw CaptureBlocked(reason: .breakerOpen, retryAt: Date(until), failedAttempts: 0)
        }
    }

    /// Waits in line for the tenant's pace: until the calls actually sent in the last second and
    /// minute leave room for this one under this instance's share.
    ///
    /// At most ``maxRateWaiters`` of the tenant's captures wait here at once: enough to keep the
    /// pace fed, few enough that a tenant's backlog cannot fill the in-flight window. Beyond them a
    /// capture throws ``CaptureBlocked`` (`rate_limited`), to be parked and tried again when half of
    /// the waiters' slots have gone by. The bound holds only while the pacer paces
    /// (``RequestPacer/paces(now:)``): an unlimited tenant's captures never wait, so none is parked.
    ///
    /// - Parameter whenInLine: runs once the capture has its place in line, before it waits for
    ///   its slot (the store's in-flight marker): whatever it costs then delays no call past the
    ///   slot the pacer counted it in.
    package func awaitRateLimit(whenInLine: () async throws -> Void = {}) async throws {
        let start = ContinuousClock.now
        let paced = pacer.withLock { $0.paces(now: start) }
        let admitted = !paced || rateWaiters.withLock { waiters in
            guard waiters < maxRateWaiters else { return false }
            waiters += 1
            return true
        }
        guard admitted else {
            let interval = pacer.withLock { $0.interval } ?? .milliseconds(100)
            throw CaptureBlocked(reason: .rateLimited, retryAt: Date() + interval * max(maxRateWaiters / 2, 1), failedAttempts: 0)
        }
        defer { if paced { rateWaiters.withLock { $0 -= 1 } } }
        try await whenInLine()
        try await gate.pass { pacer.withLock { $0.admit(now: .now) } }
        admittedCalls.withLock { $0 += 1 }
        let waited = ContinuousClock.now - start
        if waited > .milliseconds(1) { metrics.recordRateLimiterWait(tenant: name, duration: waited) }
    }

    /// Vlens answered (success or a business rejection).
    package func recordAnswered(httpStatus: Int?) {
        if let httpStatus, httpStatus != 401 { apiKeyAccepted.withLock { $0 = true } }
        pacer.withLock { $0.recordAccepted() }
        if breaker.withLock({ $0.recordSuccess() }) == .closed { transition(open: false) }
    }

    /// Whether Vlens has accepted the tenant's ApiKey at least once (any answer but 401).
    package var hasAcceptedAPIKey: Bool { apiKeyAccepted.withLock { $0 } }

    /// A retryable failure: 5xx, time-out, connection error.
    package func recordOutage() {
        if breaker.withLock({ $0.recordFailure(now: .now) }) == .opened { transition(open: true) }
    }

    /// A 429: slow down.
    package func recordRateLimited(retryAfter: Duration?) {
        metrics.recordRateLimited(tenant: name)
        pacer.withLock { $0.recordRateLimited(now: .now, retryAfter: retryAfter) }
    }

    /// This instance's share of the tenant's limit, in [0, 1].
    package func setShare(_ share: Double) {
        pacer.withLock { $0.setShare(share) }
        metrics.recordRateShare(tenant: name, share: share)
    }

    /// This instance's share of the tenant's limit now.
    package var share: Double { pacer.withLock { $0.share } }

    /// The tenant's captures waiting in place for the rate limit now.
    package var rateWaiting: Int { rateWaiters.withLock { $0 } }

    /// Calls let through the rate limit since the last time this was asked.
    package func takeAdmittedCount() -> Int {
        admittedCalls.withLock { count in
            defer { count = 0 }
            return count
        }
    }

    package var isOpen: Bool { breaker.withLock { $0.isOpen } }

    private func transition(open: Bool) {
        metrics.recordBreaker(tenant: name, open: open)
        health.setBreakerOpen(open)
        if open {
            logger.warning("Vlens circuit breaker opened: pausing calls", metadata: [WorkerLoggingKeys.tenant: "\(name)"])
        } else {
            logger.notice("Vlens circuit breaker closed: calls resume", metadata: [WorkerLoggingKeys.tenant: "\(name)"])
        }
    }
}
