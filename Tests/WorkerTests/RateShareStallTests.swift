import Foundation
import Testing
import TestSupport

/// A rate-share lease the store does not renew in time (its lock held, a failover) stops the
/// tenant's calls when it ends, and the share comes back once the store answers.
@Suite("Rate share: a renewal the store holds up", .timeLimit(.minutes(3)))
struct RateShareStallTests {
    @Test("while another session holds the tenant's rate-share lock past the lease, this instance's share of the limit is 0; released, it is whole again")
    func heldRenewalStopsTheTenant() async throws {
        let environment = ["RATE_SHARE": "demand", "VLENS_RATE_LIMIT_RPS": "5", "VLENS_RATE_LIMIT_RPM": "unlimited"]
        try await InProcessHarness.run(store: .postgres, environment: environment) { harness in
            try await waitUntil("the instance holds the whole limit (it is alone)", within: .seconds(60)) { harness.rateShare() == 1 }
            try await PostgresTestDatabase.holdingAdvisoryLock(harness.storeURL, key: "vlens-worker rate share default") {
                // The lease lasts 5 s: its renewal now waits on the lock.
                try await waitUntil("the share drops to 0 once the lease ends unrenewed", within: .seconds(60)) { harness.rateShare() == 0 }
            }
            try await waitUntil("the held renewal lands and the share is whole again", within: .seconds(60)) { harness.rateShare() == 1 }
        }
    }
}

extension InProcessHarness {
    /// `vlens_worker_rate_share` of the default tenant, as the worker reports it.
    func rateShare() -> Double? {
        metricsText().split(separator: "\n")
            .first { $0.hasPrefix(#"vlens_worker_rate_share{tenant="default"}"#) }
            .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }
}
