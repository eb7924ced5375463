import AsyncHTTPClient
import CoreMetrics
import Logging
import Observability
import Resilience
import Synchronization
import Testing
import VlensAPI
import Workflow

/// Captures that took their place in line or were refused.
private final class Counter: Sendable {
    let value = Atomic(0)
}

@Suite("Tenant gateway: the bound on captures waiting for the pace")
struct TenantGatewayTests {
    private func gateway(limit: RateLimit, maxRateWaiters: Int) -> TenantGateway {
        let client = VlensClient(
            configuration: VlensConfiguration(baseURL: "http://127.0.0.1:9", apiKey: "unused"), httpClient: HTTPClient.shared,
            logger: Logger(label: "gateway-test"))
        return TenantGateway(
            name: "acme", client: client, limit: limit, breaker: .init(), maxRateWaiters: maxRateWaiters,
            metrics: WorkerMetrics(factory: NOOPMetricsHandler.instance), health: WorkerHealth(), logger: Logger(label: "gateway-test"))
    }

    /// Runs `count` captures through `awaitRateLimit` at once, each holding its place in line until all
    /// have either taken one or been refused; returns the reasons of the refused ones. The captures
    /// that took a place are then cancelled (after a 429 they would wait out its pause).
    private func burst(_ gateway: TenantGateway, count: Int) async throws -> [CaptureBlocked.Reason] {
        let settled = Counter()
        return try await withThrowingTaskGroup(of: CaptureBlocked.Reason?.self) { group in
            for _ in 0..<count {
                group.addTask {
                    do {
                        try await gateway.awaitRateLimit {
                            settled.value.add(1, ordering: .relaxed)
                            while settled.value.load(ordering: .relaxed) < count { try await Task.sleep(for: .milliseconds(1)) }
                        }
                        return nil
                    } catch let blocked as CaptureBlocked {
                        settled.value.add(1, ordering: .relaxed)
                        return blocked.reason
                    } catch is CancellationError {
                        return nil
                    }
                }
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while settled.value.load(ordering: .relaxed) < count {
                guard ContinuousClock.now < deadline else { throw BurstDidNotSettle() }
                try await Task.sleep(for: .milliseconds(5))
            }
            group.cancelAll()
            var refused: [CaptureBlocked.Reason] = []
            for try await reason in group { if let reason { refused.append(reason) } }
            return refused
        }
    }

    private struct BurstDidNotSettle: Error {}

    @Test("an unlimited tenant's burst beyond the waiters' bound goes through: nothing waits, so nothing is parked as rate_limited")
    func unlimitedTenantIsNeverRefused() async throws {
        let refused = try await burst(gateway(limit: .unlimited, maxRateWaiters: 1), count: 6)
        #expect(refused.isEmpty)
    }

    @Test("a limited tenant's burst beyond the waiters' bound: the captures over it are refused as rate_limited")
    func limitedTenantBeyondTheBoundIsRefused() async throws {
        let refused = try await burst(gateway(limit: RateLimit(perSecond: 1000, perMinute: nil), maxRateWaiters: 2), count: 6)
        #expect(refused == Array(repeating: .rateLimited, count: 4))
    }

    @Test("after a 429 an unlimited tenant paces, and the bound holds again")
    func unlimitedTenantAfter429IsBounded() async throws {
        let gateway = gateway(limit: .unlimited, maxRateWaiters: 1)
        gateway.recordRateLimited(retryAfter: .seconds(600))
        let refused = try await burst(gateway, count: 3)
        #expect(refused == [.rateLimited, .rateLimited])
    }
}
