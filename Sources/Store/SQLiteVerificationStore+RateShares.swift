import Foundation
import SQLiteNIO

extension SQLiteVerificationStore {
    public func exchangeRateShare(
        tenant: String, _ decide: @escaping @Sendable ([RateShareLease], Date) throws -> RateShareExchange
    ) async throws -> RateShareExchange {
        try await access { db in
            try db.transaction {
                let leases = try db.query(
                    "SELECT instance_id, granted, held, held_until, demand, expires_at FROM rate_shares WHERE tenant = ?",
                    [.text(tenant)]
                ).map { row in
                    RateShareLease(
                        tenant: tenant,
                        instance: row.column("instance_id")?.string ?? "",
                        granted: row.column("granted")?.integer ?? 0,
                        held: row.column("held")?.integer ?? 0,
                        heldUntil: Date(timeIntervalSince1970: row.column("held_until")?.double ?? 0),
                        demand: row.column("demand")?.double ?? 0,
                        expiresAt: Date(timeIntervalSince1970: row.column("expires_at")?.double ?? 0)
                    )
                }
                let exchange = try decide(leases, Date())
                for instance in exchange.forget {
                    try db.execute("DELETE FROM rate_shares WHERE tenant = ? AND instance_id = ?", [.text(tenant), .text(instance)])
                }
                let lease = exchange.lease
                try db.execute(
                    """
                    INSERT INTO rate_shares (tenant, instance_id, granted, held, held_until, demand, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant, instance_id) DO UPDATE SET granted = excluded.granted, held = excluded.held,
                        held_until = excluded.held_until, demand = excluded.demand, expires_at = excluded.expires_at
                    """,
                    [
                        .text(tenant), .text(lease.instance), .integer(lease.granted), .integer(lease.held),
                        .float(lease.heldUntil.timeIntervalSince1970), .float(lease.demand), .float(lease.expiresAt.timeIntervalSince1970),
                    ]
                )
                return exchange
            }
        }
    }
}
