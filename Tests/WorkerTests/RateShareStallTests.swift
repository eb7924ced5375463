import Foundation
import Testing
import TestSupport
import VlensSimulator

/// A rate-share lease the store does not renew in time (its lock held, a failover) stops the
/// tenant's calls when it ends, and the share comes back once the store answers.
@Suite("Rate share: a renewal the store holds up", .timeLimit(.minutes(3)))
struct RateShareStallTests {
    @Test("while another session holds one tenant's rate-share lock past the lease, that tenant's share is 0 and the other tenant's lease is still renewed; released, the share is whole again")
    func heldRenewalStopsTheTenant() async throws {
        try await VlensSimulatorServer.withRunning(configuration: WorkflowHarness.simulatorConfiguration(SimulatorFaults(rateLimit: .unlimited))) { _, acmeURL in
            let environment = [
                "RATE_SHARE": "demand", "VLENS_RATE_LIMIT_RPS": "5", "VLENS_RATE_LIMIT_RPM": "unlimited",
                "VLENS_TENANTS": "acme", "VLENS_TENANT_ACME_BASE_URL": acmeURL, "VLENS_TENANT_ACME_API_KEY": WorkflowHarness.apiKey,
                "VLENS_TENANT_ACME_RATE_LIMIT_RPS": "5", "VLENS_TENANT_ACME_RATE_LIMIT_RPM": "unlimited",
            ]
            try await InProcessHarness.run(store: .postgres, environment: environment) { harness in
                try await waitUntil("each tenant's instance holds its whole limit (it is alone)", within: .seconds(60)) {
                    harness.rateShare(tenant: "default") == 1 && harness.rateShare(tenant: "acme") == 1
                }
                try await PostgresTestDatabase.holdingAdvisoryLock(harness.storeURL, key: "vlens-worker rate share acme") {
                    // The lease lasts 5 s: acme's renewal now waits on the lock.
                    try await waitUntil("acme's share drops to 0 once its lease ends unrenewed", within: .seconds(60)) { harness.rateShare(tenant: "acme") == 0 }
                    // The default tenant's renewals go on meanwhile: its lease ends later than acme's would have.
                    let renewedLater = try await PostgresTestDatabase.column(harness.storeURL, """
                        SELECT (d.expires_at > a.expires_at + interval '1 second')::text FROM rate_shares d, rate_shares a
                        WHERE d.tenant = 'default' AND a.tenant = 'acme'
                        """)
                    #expect(renewedLater == ["true"], "the default tenant's lease was renewed while acme's renewal waited")
                    #expect(harness.rateShare(tenant: "default") == 1)
                }
                try await waitUntil("the held renewal lands and acme's share is whole again", within: .seconds(60)) { harness.rateShare(tenant: "acme") == 1 }
            }
        }
    }
}

extension InProcessHarness {
    /// `vlens_worker_rate_share` of `tenant`, as the worker reports it.
    func rateShare(tenant: String) -> Double? {
        metricsText().split(separator: "\n")
            .first { $0.hasPrefix(#"vlens_worker_rate_share{tenant="\#(tenant)"}"#) }
            .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }
}
