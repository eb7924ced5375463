import VlensAPI
import Foundation
import Store

/// How worker instances sharing a store divide one tenant's Vlens rate limit: by demand, in whole
/// units, never more than the limit in any window. A pure function of the stored leases.
///
/// The limit is cut into ``units`` units, one per call of its tightest window (10 for 10/s and
/// 60/min), so that a grant of k units is exactly k calls per window and grants add up without
/// rounding loss. Each instance's target is its demand's share of the units (at least one unit
/// for any demand while units last; largest remainder, biased toward what an instance holds).
/// An instance grows toward its target only from units nobody counts as used, and gives units
/// back only when it holds a whole unit over its exact share and others want more than is free.
/// Units given back keep counting for one window of the limit and the pacer's transit allowance
/// (``cooling``), and those of an instance that stopped renewing for as long after its lease
/// ended: the calls made under them must leave every window before another instance may use them.
package struct RateShareAllocation: Sendable {
    /// Units the limit is cut into.
    package let units: Int
    /// The window whose limit binds: 60 s when the per-minute limit is below 60 times the
    /// per-second one (the documented 10/s and 60/min), else 1 s.
    package let window: Duration
    /// How long units given back (or an ended lease's) keep counting: ``window`` and the pacers'
    /// ``RequestPacer/transitAllowance``, for calls still on their way to Vlens.
    package let cooling: Duration
    /// How long a lease lasts without renewal.
    package let leaseDuration: Duration

    /// `nil` for an unlimited tenant: nothing to share.
    package init?(limit: RateLimit, leaseDuration: Duration, transitAllowance: Duration = RequestPacer.defaultTransitAllowance) {
        let counts = [limit.perSecond, limit.perMinute].compactMap { $0 }.filter { $0 > 0 }
        guard let smallest = counts.min() else { return nil }
        self.units = max(1, Int(smallest.rounded(.down)))
        // The minute's window matters only when the minute's limit is the tighter one: a minute of
        // seconds that each keep the per-second limit keeps a minute limit of 60 times it.
        let minuteBinds = limit.perMinute.map { minute in minute > 0 && minute < 60 * (limit.perSecond ?? .infinity) } ?? false
        self.window = minuteBinds ? .seconds(60) : .seconds(1)
        self.leaseDuration = leaseDuration
        self.cooling = window + transitAllowance
    }

    /// This instance's new lease, given every stored lease of the tenant and the store's clock.
    package func exchange(instance: String, tenant: String, demand: Double, leases: [RateShareLease], now: Date) -> RateShareExchange {
        let mine = leases.first { $0.instance == instance }
        let current = mine?.granted ?? 0
        var forget: [String] = []
        var othersUsed = 0
        // Live instances (this one first): their demand and what they hold now.
        var live: [(demand: Double, granted: Int)] = [(max(demand, 0), current)]
        for lease in leases where lease.instance != instance {
            if lease.expiresAt + cooling <= now {
                forget.append(lease.instance)
                continue
            }
            othersUsed += lease.heldUntil > now ? max(lease.held, lease.granted) : lease.granted
            if lease.expiresAt > now { live.append((max(lease.demand, 0), lease.granted)) }
        }
        let free = max(0, units - othersUsed - current)
        var granted = current
        let (targets, exact) = targets(live)
        if current < targets[0] {
            granted = current + min(targets[0] - current, free)
        } else if current > targets[0], Double(current) >= exact[0] + 1 {
            // Give back only what is a whole unit over this instance's exact share, and only when
            // others want more than is free: a unit does not swing between two instances whose
            // demands are nearly equal.
            let othersWant = zip(live.dropFirst(), targets.dropFirst()).reduce(0) { $0 + max(0, $1.1 - $1.0.granted) }
            if othersWant > free { granted = targets[0] }
        }
        granted = min(granted, max(0, units - othersUsed))
        return RateShareExchange(lease: lease(mine, instance: instance, tenant: tenant, granted: granted, demand: demand, now: now), forget: forget)
    }

    /// A lease that gives every unit back (the instance is leaving): they keep counting for ``cooling``.
    package func released(_ lease: RateShareLease, now: Date) -> RateShareLease {
        var released = self.lease(lease, instance: lease.instance, tenant: lease.tenant, granted: 0, demand: 0, now: now)
        released.expiresAt = now
        return released
    }

    private func lease(_ mine: RateShareLease?, instance: String, tenant: String, granted: Int, demand: Double, now: Date) -> RateShareLease {
        let current = mine?.granted ?? 0
        let stillCooling = mine.map { $0.heldUntil > now } ?? false
        var held = granted
        var heldUntil = now
        if granted < current {
            held = max(current, stillCooling ? mine!.held : 0)
            heldUntil = now + cooling
        } else if stillCooling, let mine {
            held = max(mine.held, granted)
            heldUntil = mine.heldUntil
        }
        return RateShareLease(
            tenant: tenant, instance: instance, granted: granted, held: held, heldUntil: heldUntil,
            demand: demand, expiresAt: now + leaseDuration)
    }

    /// Units per live instance in proportion to demand (evenly when no instance has any), at least
    /// one for each instance with demand while units last, the rest by largest remainder biased a
    /// quarter unit toward what each holds.
    package func targets(_ live: [(demand: Double, granted: Int)]) -> (targets: [Int], exact: [Double]) {
        let total = live.reduce(0) { $0 + $1.demand }
        let exact = live.map { Double(units) * (total > 0 ? $0.demand / total : 1 / Double(live.count)) }
        var targets = exact.map { Int($0.rounded(.down)) }
        // A unit, while there is one, for every instance with demand: none starves behind rounding.
        for index in live.indices where targets[index] == 0 && live[index].demand > 0 && targets.reduce(0, +) < units {
            targets[index] = 1
        }
        let order = live.indices.sorted { a, b in
            let bias = { (i: Int) in live[i].granted > targets[i] ? 0.25 : 0 }
            let ra = exact[a] - Double(targets[a]) + bias(a)
            let rb = exact[b] - Double(targets[b]) + bias(b)
            return ra != rb ? ra > rb : a < b
        }
        for index in order.prefix(units - targets.reduce(0, +)) { targets[index] += 1 }
        return (targets, exact)
    }
}
