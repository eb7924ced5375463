import Foundation
import Logging
import PostgresNIO
import SerialAccess

extension PostgresVerificationStore {
    public func exchangeRateShare(
        tenant: String, _ decide: @escaping @Sendable ([RateShareLease], Date) throws -> RateShareExchange
    ) async throws -> RateShareExchange {
        let lockName = "vlens-worker rate share " + tenant
        // Bounded far beyond the usual operation: exchanges of one tenant queue on its advisory lock, a wait that may
        // rightly be long (the coordinator stops the tenant's calls when its lease ends first). Unbounded, a statement
        // on a connection the server terminated would hold the coordinator for good.
        do {
            return try await mapErrors {
                try await deadlines.run(within: Self.rateShareExchangeLimit) { [client, logger] in
                    try await Self.exchange(tenant: tenant, lockName: lockName, client: client, logger: logger, decide)
                }
            }
        } catch let exceeded as OperationDeadlines.Exceeded {
            throw StoreError(code: .unavailable, message: "PostgreSQL: \(exceeded)", isRetryable: true)
        }
    }

    /// The longest a rate-share exchange may take, its wait for the tenant's lock included.
    static let rateShareExchangeLimit: Duration = .seconds(120)

    private static func exchange(
        tenant: String, lockName: String, client: PostgresClient, logger: Logger, _ decide: @escaping @Sendable ([RateShareLease], Date) throws -> RateShareExchange
    ) async throws -> RateShareExchange {
        try await client.withTransaction(logger: logger) { connection in
            // One exchange per tenant at a time, whoever holds a lease already.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(lockName), 0))", logger: logger)
            // The server's clock, so instances with skewed clocks still agree on expiry.
            var now = Date()
            for try await value in try await connection.query("SELECT clock_timestamp()", logger: logger).decode(Date.self) {
                now = value
            }
            let rows = try await connection.query(
                "SELECT instance_id, granted, held, held_until, demand, expires_at FROM rate_shares WHERE tenant = \(tenant)",
                logger: logger
            )
            var leases: [RateShareLease] = []
            for try await (instance, granted, held, heldUntil, demand, expiresAt) in rows.decode((String, Int, Int, Date, Double, Date).self) {
                leases.append(RateShareLease(
                    tenant: tenant, instance: instance, granted: granted, held: held,
                    heldUntil: heldUntil, demand: demand, expiresAt: expiresAt))
            }
            let exchange = try decide(leases, now)
            if !exchange.forget.isEmpty {
                try await connection.query(
                    "DELETE FROM rate_shares WHERE tenant = \(tenant) AND instance_id = ANY(\(exchange.forget))", logger: logger)
            }
            let lease = exchange.lease
            try await connection.query(
                """
                INSERT INTO rate_shares (tenant, instance_id, granted, held, held_until, demand, expires_at)
                VALUES (\(tenant), \(lease.instance), \(lease.granted), \(lease.held), \(lease.heldUntil), \(lease.demand), \(lease.expiresAt))
                ON CONFLICT (tenant, instance_id) DO UPDATE SET granted = excluded.granted, held = excluded.held,
                    held_until = excluded.held_until, demand = excluded.demand, expires_at = excluded.expires_at
                """,
                logger: logger
            )
            return exchange
        }
    }
}
