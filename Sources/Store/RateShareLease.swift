import Foundation

/// One worker instance's lease on part of a tenant's Vlens rate limit, as the instances sharing
/// a store see it.
///
/// The limit is divided into whole units (see the worker's `RateShareAllocation`); the leases of
/// a tenant never add up to more units than the limit has. A lease lowered recently still
/// counts at its earlier size (`held`) until `heldUntil`, one window of the limit later, so the
/// calls made under the larger grant leave every window before another instance may use them.
public struct RateShareLease: Sendable, Equatable {
    public var tenant: String
    public var instance: String
    /// Units this instance may use now.
    public var granted: Int
    /// Units the others must count as used: at least `granted`, more while a lowered grant cools down.
    public var held: Int
    /// When `held` falls back to `granted`.
    public var heldUntil: Date
    /// How many of the tenant's captures wait for a call at this instance (smoothed).
    public var demand: Double
    /// When the instance is presumed gone if it has not renewed the lease. Its `held` units still
    /// count for one window after that.
    public var expiresAt: Date

    public init(tenant: String, instance: String, granted: Int, held: Int, heldUntil: Date, demand: Double, expiresAt: Date) {
        self.tenant = tenant
        self.instance = instance
        self.granted = granted
        self.held = held
        self.heldUntil = heldUntil
        self.demand = demand
        self.expiresAt = expiresAt
    }
}

/// What one exchange decided: this instance's new lease, and the instances whose leases are gone
/// for good (expired more than a window ago) and may be deleted.
public struct RateShareExchange: Sendable, Equatable {
    public var lease: RateShareLease
    public var forget: [String]

    public init(lease: RateShareLease, forget: [String] = []) {
        self.lease = lease
        self.forget = forget
    }
}

/// Storage of the rate-limit leases that worker instances sharing a store exchange.
public protocol RateShareStore: Sendable {
    /// Reads every lease of `tenant`, lets `decide` compute this instance's new lease from them
    /// and the store's clock, and writes it (deleting the leases `decide` forgets), all in one
    /// transaction that excludes every other exchange for the same tenant.
    ///
    /// `decide` runs inside the transaction: it may lower the caller's pace before the lowered
    /// lease becomes visible to others.
    func exchangeRateShare(
        tenant: String,
        _ decide: @escaping @Sendable (_ leases: [RateShareLease], _ now: Date) throws -> RateShareExchange
    ) async throws -> RateShareExchange
}
