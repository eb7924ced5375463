import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Store
import Observability
import Resilience

/// Shares each tenant's rate limit among the instances that share a store, by demand
/// (`RATE_SHARE=demand`): every ``refreshInterval`` this instance tells the store how many of the
/// tenant's captures wait for a call here, and takes the lease ``RateShareAllocation`` decides.
///
/// Demand is the captures waiting in place for the pace, those parked `rate_limited` in this
/// instance's partitions, and the calls made since the last exchange (so an instance that keeps up
/// keeps its pace), smoothed. A lowered grant slows the pacer before the store shows it to others.
/// When the lease cannot be renewed before it ends, this instance stops calling the tenant until
/// it can; on shutdown it gives its units back.
package struct RateShareCoordinator: Service {
    package let store: any VerificationStore
    package let gateways: TenantGateways
    package let parking: ParkingLot
    /// The lease holder: the instance id and a nonce of this run, so two runs that share an
    /// instance id (a misconfiguration, a restart while the old process lingers) never share a lease.
    package let holder: String
    package var refreshInterval: Duration = .milliseconds(250)
    package var leaseDuration: Duration = .seconds(5)
    /// The longest shutdown waits for the leases to be given back.
    package var releaseLimit: Duration = .seconds(2)
    package let logger: Logger

    package init(store: any VerificationStore, gateways: TenantGateways, parking: ParkingLot, instanceID: String, logger: Logger) {
        self.store = store
        self.gateways = gateways
        self.parking = parking
        self.holder = "\(instanceID)/\(UUID().uuidString.prefix(8).lowercased())"
        self.logger = logger
    }

    package func run() async {
        let tenants = gateways.all.compactMap { gateway in
            RateShareAllocation(limit: gateway.limit, leaseDuration: leaseDuration, transitAllowance: gateway.transitAllowance).map { (gateway, $0) }
        }
        guard !tenants.isEmpty else {
            // Nothing to share; a service that returned early would stop the worker's group.
            try? await gracefulShutdown()
            return
        }
        for (gateway, _) in tenants { gateway.setShare(0) }
        await cancelWhenGracefulShutdown {
            // Each tenant renews on its own: one whose renewal waits on the store holds no other's.
            await withDiscardingTaskGroup { group in
                for (gateway, allocation) in tenants {
                    group.addTask { await keepLease(gateway, allocation) }
                }
            }
        }
        for (gateway, _) in tenants { gateway.setShare(0) }
        // Give the units back, but never hold shutdown for it: once the group is cancelled the
        // store may be stopping too, and a call to a stopped pool may never answer.
        let released: Void? = try? await withAbandonment(after: releaseLimit, whenCancelled: false) { [self] in
            for (gateway, allocation) in tenants {
                _ = try await store.exchangeRateShare(tenant: gateway.name) { leases, now in
                    let mine = leases.first { $0.instance == holder }
                        ?? RateShareLease(tenant: gateway.name, instance: holder, granted: 0, held: 0, heldUntil: now, demand: 0, expiresAt: now)
                    return RateShareExchange(lease: allocation.released(mine, now: now))
                }
            }
        }
        if released == nil {
            logger.notice("rate-limit leases not given back on shutdown; the store frees them when they end")
        }
    }

    /// What one renewal brought: the demand it reported, the share it was granted, and when the
    /// store decided it (the lease runs from then).
    private struct Renewal: Sendable {
        var demand: Double
        var share: Double
        var decidedAt: ContinuousClock.Instant
    }

    /// Renews the tenant's lease every ``refreshInterval`` until cancelled, and applies its share.
    private func keepLease(_ gateway: TenantGateway, _ allocation: RateShareAllocation) async {
        var demand: Double?
        var renewed: ContinuousClock.Instant?
        var failing = false
        while !Task.isCancelled {
            do {
                let previous = demand
                let renewal = try await beforeLeaseEnds(renewed, of: gateway) { [self] in
                    let waiting = try await waitingCaptures(gateway)
                    // Halved each round; below half a capture it is none (else a unit stays held for nothing).
                    var smoothed = previous.map { ($0 + Double(waiting)) / 2 } ?? Double(waiting)
                    if smoothed < 0.5 { smoothed = 0 }
                    try Task.checkCancellation()  // stopping: no new lease after the one given back
                    let (share, decidedAt) = try await exchange(gateway, allocation, demand: smoothed)
                    return Renewal(demand: smoothed, share: share, decidedAt: decidedAt)
                }
                try Task.checkCancellation()
                apply(renewal.share, to: gateway, units: allocation.units, demand: renewal.demand)
                demand = renewal.demand
                renewed = renewal.decidedAt
                if failing {
                    failing = false
                    logger.notice("rate-limit lease renewed", metadata: [WorkerLoggingKeys.tenant: "\(gateway.name)"])
                }
            } catch {
                if Task.isCancelled { return }
                if !failing {
                    failing = true
                    logger.warning(
                        "cannot renew the rate-limit lease in the store; the tenant's calls stop when it ends",
                        metadata: [WorkerLoggingKeys.tenant: "\(gateway.name)", "error": "\(error)"])
                }
                // Stop before the store lets others take the units (the store's lease ends later than this).
                if renewed.map({ ContinuousClock.now - $0 >= leaseDuration - refreshInterval }) ?? true {
                    gateway.setShare(0)
                }
            }
            try? await Task.sleep(for: refreshInterval)
        }
    }

    /// Runs one renewal of the tenant's lease (renewed last at `renewed`). When the lease would end
    /// first, the tenant's calls stop then (the store may give its units to others), and the renewal
    /// is still awaited, not started again: a renewal that waits on the store (its lock, a failover)
    /// holds no pace it does not have. Given up on when the caller is cancelled.
    private func beforeLeaseEnds<T: Sendable>(
        _ renewed: ContinuousClock.Instant?, of gateway: TenantGateway, _ renewal: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let task = Task { try await renewal() }
        return try await withTaskCancellationHandler {
            let remaining = renewed.map { $0 + leaseDuration - refreshInterval - .now } ?? .zero
            if remaining > .zero, let value = try await withAbandonment(after: remaining, whenCancelled: true, { try await task.value }) {
                return value
            }
            try Task.checkCancellation()
            if gateway.share > 0 {
                gateway.setShare(0)
                logger.warning("the rate-limit lease ends before the store answers; the tenant's calls stop until it does", metadata: [WorkerLoggingKeys.tenant: "\(gateway.name)"])
            }
            return try await abandonedOnCancel { try await task.value }
        } onCancel: {
            task.cancel()
        }
    }

    /// Captures of the tenant that want a call at this instance.
    private func waitingCaptures(_ gateway: TenantGateway) async throws -> Int {
        let partitions = parking.ownedPartitions
        let (store, tenant, topic) = (store, gateway.name, parking.topic)
        let parked = partitions.isEmpty ? 0 : try await store.parkedCount(tenant: tenant, reason: CaptureBlocked.Reason.rateLimited.rawValue, topic: topic, partitions: partitions)
        return gateway.rateWaiting + parked + gateway.takeAdmittedCount()
    }

    /// Exchanges the tenant's lease in the store; returns the share granted and when the store decided it.
    /// A lowered grant slows the pacer at once, before others can see the units given back.
    private func exchange(_ gateway: TenantGateway, _ allocation: RateShareAllocation, demand: Double) async throws -> (share: Double, decidedAt: ContinuousClock.Instant) {
        let units = Double(allocation.units)
        let instance = holder
        let decided = DecisionTime()
        let exchange = try await store.exchangeRateShare(tenant: gateway.name) { leases, now in
            decided.mark()
            let exchange = allocation.exchange(instance: instance, tenant: gateway.name, demand: demand, leases: leases, now: now)
            let share = Double(exchange.lease.granted) / units
            if share < gateway.share { gateway.setShare(share) }
            return exchange
        }
        return (Double(exchange.lease.granted) / units, decided.instant ?? .now)
    }

    /// Gives the tenant's pacer its new share (logged when it changed).
    private func apply(_ share: Double, to gateway: TenantGateway, units: Int, demand: Double) {
        if share != gateway.share {
            logger.info(
                "rate-limit share changed",
                metadata: [
                    WorkerLoggingKeys.tenant: "\(gateway.name)", "units": "\(Int((share * Double(units)).rounded()))", "of": "\(units)",
                    "demand": "\(Int(demand.rounded()))", "holder": "\(holder)",
                ])
        }
        gateway.setShare(share)
    }
}

/// When a rate-share exchange's decision ran (the last time, when the store retried it).
private final class DecisionTime: Sendable {
    private let state = Mutex<ContinuousClock.Instant?>(nil)
    func mark() { state.withLock { $0 = .now } }
    var instant: ContinuousClock.Instant? { state.withLock { $0 } }
}
