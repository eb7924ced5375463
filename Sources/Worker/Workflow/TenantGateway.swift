import Foundation
import Logging
import Synchronization
import VlensAPI

/// One tenant's way to Vlens: its client, its request pacer (the tenant's rate limit, shared
/// across the consumer group by partitions) and its circuit breaker.
final class TenantGateway: Sendable {
    let name: String
    let client: VlensClient
    private let pacer: Mutex<RequestPacer>
    private let breaker: Mutex<CircuitBreaker>
    private let metrics: WorkerMetrics
    private let health: WorkerHealth
    private let logger: Logger

    init(name: String, client: VlensClient, limit: RateLimit, breaker: CircuitBreaker.Configuration, metrics: WorkerMetrics, health: WorkerHealth, logger: Logger) {
        self.name = name
        self.client = client
        self.pacer = Mutex(RequestPacer(limit: limit))
        self.breaker = Mutex(CircuitBreaker(configuration: breaker))
        self.metrics = metrics
        self.health = health
        self.logger = logger
    }

    /// Returns at once when the breaker lets a call through (whether the call is the breaker's
    /// probe); while it is open, throws ``CaptureBlocked`` (`breaker_open`) with the next probe time.
    /// Waiting in place would only hold an in-flight slot: one probe at a time gets through.
    func awaitBreaker() throws -> Bool {
        switch breaker.withLock({ $0.permit(now: .now) }) {
        case .call: return false
        case .probe: return true
        case .wait(let until): throw CaptureBlocked(reason: .breakerOpen, retryAt: Date(until), failedAttempts: 0)
        }
    }

    /// Waits for this instance's next slot under the tenant's rate limit, then until the calls
    /// actually sent in the last second and minute leave room. When that would take past
    /// `deadline`, throws ``CaptureBlocked`` (`rate_limited`) without taking a slot.
    func awaitRateLimit(until deadline: ContinuousClock.Instant) async throws {
        let start = ContinuousClock.now
        let slot = pacer.withLock { pacer -> ContinuousClock.Instant? in
            pacer.earliestSlot(now: start) <= deadline ? pacer.reserve(now: start) : nil
        }
        guard let slot else {
            throw CaptureBlocked(reason: .rateLimited, retryAt: Date(pacer.withLock { $0.earliestSlot(now: start) }), failedAttempts: 0)
        }
        if slot > start { try await Task.sleep(until: slot, clock: .continuous) }
        while let retryAt = pacer.withLock({ $0.admit(now: .now) }) {
            guard retryAt <= deadline else { throw CaptureBlocked(reason: .rateLimited, retryAt: Date(retryAt), failedAttempts: 0) }
            try await Task.sleep(until: retryAt, clock: .continuous)
        }
        let waited = ContinuousClock.now - start
        if waited > .milliseconds(1) { metrics.recordRateLimiterWait(tenant: name, duration: waited) }
    }

    /// Vlens answered (success or a business rejection).
    func recordAnswered() {
        pacer.withLock { $0.recordAccepted() }
        if breaker.withLock({ $0.recordSuccess() }) == .closed { transition(open: false) }
    }

    /// A retryable failure: 5xx, time-out, connection error.
    func recordOutage() {
        if breaker.withLock({ $0.recordFailure(now: .now) }) == .opened { transition(open: true) }
    }

    /// A 429: slow down.
    func recordRateLimited(retryAfter: Duration?) {
        metrics.recordRateLimited(tenant: name)
        pacer.withLock { $0.recordRateLimited(now: .now, retryAfter: retryAfter) }
    }

    /// This instance's share of the tenant's limit: its partitions over all partitions.
    func setShare(_ share: Double) {
        pacer.withLock { $0.setShare(share) }
    }

    var isOpen: Bool { breaker.withLock { $0.isOpen } }

    private func transition(open: Bool) {
        metrics.recordBreaker(tenant: name, open: open)
        health.setBreakerOpen(open)
        if open {
            logger.warning("Vlens circuit breaker opened: pausing calls", metadata: ["tenant": "\(name)"])
        } else {
            logger.notice("Vlens circuit breaker closed: calls resume", metadata: ["tenant": "\(name)"])
        }
    }
}
