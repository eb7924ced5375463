import Foundation
import Store
import Testing

/// The rate-limit lease exchange, against real SQLite files and a real PostgreSQL server: one
/// exchange per tenant at a time, leases round-trip, forgotten ones are deleted.
@Suite("Rate share store", .timeLimit(.minutes(2)))
struct RateShareStoreTests {
    private func lease(_ instance: String, granted: Int, at now: Date) -> RateShareLease {
        RateShareLease(
            tenant: "acme", instance: instance, granted: granted, held: granted + 1, heldUntil: now.addingTimeInterval(1),
            demand: 2.5, expiresAt: now.addingTimeInterval(5))
    }

    @Test("a lease round-trips, other tenants are apart, and a forgotten lease is deleted", arguments: StoreEngine.allCases)
    func roundTrip(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            let written = try await store.exchangeRateShare(tenant: "acme") { leases, now in
                #expect(leases.isEmpty)
                return RateShareExchange(lease: lease("a", granted: 3, at: now))
            }
            _ = try await store.exchangeRateShare(tenant: "globex") { _, now in
                RateShareExchange(lease: RateShareLease(tenant: "globex", instance: "a", granted: 9, held: 9, heldUntil: now, demand: 0, expiresAt: now))
            }
            _ = try await store.exchangeRateShare(tenant: "acme") { leases, now in
                #expect(leases.count == 1)
                let read = try #require(leases.first)
                #expect(read.instance == "a" && read.granted == 3 && read.held == 4 && read.demand == 2.5)
                #expect(abs(read.heldUntil.timeIntervalSince(written.lease.heldUntil)) < 0.001)
                #expect(abs(read.expiresAt.timeIntervalSince(written.lease.expiresAt)) < 0.001)
                return RateShareExchange(lease: lease("b", granted: 2, at: now))
            }
            _ = try await store.exchangeRateShare(tenant: "acme") { leases, now in
                #expect(Set(leases.map(\.instance)) == ["a", "b"])
                return RateShareExchange(lease: lease("b", granted: 5, at: now), forget: ["a"])
            }
            _ = try await store.exchangeRateShare(tenant: "acme") { leases, now in
                #expect(leases.map(\.instance) == ["b"])
                #expect(leases.first?.granted == 5, "an exchange replaces the instance's lease")
                return RateShareExchange(lease: lease("b", granted: 5, at: now))
            }
        }
    }

    @Test("concurrent exchanges of one tenant see each other's writes (no lost update)", arguments: StoreEngine.allCases)
    func exchangesExcludeEachOther(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            // 24 instances each take one more unit than all the others hold: only if every exchange
            // sees every earlier one do the grants end up 1, 2, …, 24.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        _ = try await store.exchangeRateShare(tenant: "acme") { leases, now in
                            let held = leases.map(\.granted).max() ?? 0
                            return RateShareExchange(lease: lease("i\(index)", granted: held + 1, at: now))
                        }
                    }
                }
                try await group.waitForAll()
            }
            _ = try await store.exchangeRateShare(tenant: "acme") { leases, now in
                #expect(leases.filter { $0.instance != "reader" }.map(\.granted).sorted() == Array(1...24))
                return RateShareExchange(lease: lease("reader", granted: 0, at: now))
            }
        }
    }
}
