import Foundation
import Logging
import Store
import TestSupport
import Testing
import Verification
import VlensSimulator
import Worker

/// Parked captures survive the worker: a SIGKILL while they wait, or their partition moving to
/// another instance on the shared PostgreSQL store, loses none, keeps each transaction's order, and
/// calls Vlens once per capture.
@Suite("Workflow: parked captures across crashes and rebalances", .serialized, .timeLimit(.minutes(6)))
struct WorkflowParkingRecoveryTests {
    @Test("SIGKILL while captures are parked, then a restart: every capture resolves once, in order")
    func killWhileParked() async throws {
        try await withTenantOutage { acme, environment in
            try await WorkflowHarness.run(store: .postgres, partitions: 2, environment: environment, startWorker: false) { harness in
                let captures = Self.acmeTransactions(10)
                let first = try WorkerProcess(environment: harness.environment)
                for capture in captures { try await harness.submit(capture) }
                try await Self.waitUntilParked(captures.count, harness: harness)
                first.kill()
                // Requests the dead worker had sent may still be read by the simulator; they must meet
                // the outage they were sent into, not the recovery (a loaded machine delays them).
                try await Self.waitForQuietLedger(acme)

                acme.setFaults(SimulatorFaults(rateLimit: .unlimited))
                let second = try WorkerProcess(environment: harness.environment)
                defer { second.kill() }
                try await Self.expectResolvedOnceInOrder(captures, harness: harness, vlens: acme)
            }
        }
    }

    @Test("two instances: a partition with parked captures moves to the other one, which resumes them")
    func partitionMovesWhileParked() async throws {
        let broker = try await MockBroker()
        defer { broker.stop() }
        try await withTenantOutage { acme, environment in
            try await WorkflowHarness.run(store: .postgres, partitions: 4, environment: environment, startWorker: false, bootstrapServers: broker.bootstrapServers) { harness in
                let leaving = try WorkerProcess(environment: harness.environment.merging(["WORKER_INSTANCE_ID": "leaving"]) { $1 })
                let staying = try WorkerProcess(environment: harness.environment.merging(["WORKER_INSTANCE_ID": "staying"]) { $1 })
                defer { staying.kill() }
                let captures = Self.acmeTransactions(12)
                for capture in captures { try await harness.submit(capture) }
                try await Self.waitUntilParked(captures.count, harness: harness)
                #expect(await leaving.terminate() == 0, "the leaving instance shut down gracefully")

                acme.setFaults(SimulatorFaults(rateLimit: .unlimited))
                try await Self.expectResolvedOnceInOrder(captures, harness: harness, vlens: acme)
            }
        }
    }

    /// Runs a second simulator for tenant `acme` that answers 503 to everything, and the worker
    /// environment that sends `acme` captures to it.
    func withTenantOutage(_ body: @Sendable (VlensSimulatorServer, [String: String]) async throws -> Void) async throws {
        var outage = SimulatorFaults(rateLimit: .unlimited)
        outage.error503Rate = 1
        let configuration = SimulatorConfiguration(
            apiKeys: [WorkflowHarness.apiKey], tokens: [SimulatorToken(token: "user-token-alice", emailOrPhoneNumber: "alice@example.com")], faults: outage)
        try await VlensSimulatorServer.withRunning(configuration: configuration) { acme, url in
            try await body(acme, [
                "VLENS_TENANTS": "acme", "VLENS_TENANT_ACME_BASE_URL": url, "VLENS_TENANT_ACME_API_KEY": WorkflowHarness.apiKey,
                "VLENS_TENANT_ACME_RATE_LIMIT_RPS": "unlimited", "VLENS_TENANT_ACME_RATE_LIMIT_RPM": "unlimited",
                "BREAKER_FAILURE_THRESHOLD": "3",
            ])
        }
    }

    /// `count` acme transactions of front, back and liveness, in that order.
    static func acmeTransactions(_ count: Int) -> [CaptureSubmitted] {
        (0..<count).flatMap { _ in
            let factory = CaptureFactory()
            return [factory.front(), factory.back(), factory.liveness()].map { capture in
                var capture = capture
                capture.tenant = "acme"
                return capture
            }
        }
    }

    /// Waits until `count` captures are parked in the harness's store.
    static func waitUntilParked(_ count: Int, harness: WorkflowHarness) async throws {
        let url = try StoreURL(try #require(harness.environment["STORE_URL"]))
        let store = try await url.makeStore(logger: Logger(label: "parked"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            // The workers may not have created the schema yet on a loaded machine; migrating is
            // what every instance does at start-up, and safe beside them (an advisory lock).
            try await store.migrate()
            let deadline = ContinuousClock.now + .seconds(60)
            var parked = 0
            while ContinuousClock.now < deadline {
                parked = try await store.parkedSummary().reduce(0) { $0 + $1.count }
                if parked >= count { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("\(parked) of \(count) captures parked within 60 s")
        }
    }

    /// Waits until the simulator has no call under way and has taken none for two seconds: what a
    /// stopped worker sent has been answered.
    static func waitForQuietLedger(_ vlens: VlensSimulatorServer) async throws {
        var last = vlens.ledger().totals.calls
        var quietSince = ContinuousClock.now
        while ContinuousClock.now - quietSince < .seconds(2) {
            try await Task.sleep(for: .milliseconds(100))
            let now = vlens.ledger().totals.calls
            if now != last || vlens.callsUnderWay > 0 { last = now; quietSince = .now }
        }
    }

    /// Every capture has exactly one result, `succeeded` (liveness succeeds only after both sides,
    /// so order held), and Vlens answered each one exactly once.
    static func expectResolvedOnceInOrder(_ captures: [CaptureSubmitted], harness: WorkflowHarness, vlens: VlensSimulatorServer) async throws {
        _ = try await harness.waitForResults(captures.count, timeout: .seconds(120))
        try await Task.sleep(for: .seconds(2))
        let results = harness.decodedResults()
        for capture in captures {
            let mine = results.filter { $0.causationId == capture.eventId }
            #expect(Set(mine.map(\.eventId)).count == 1, "one result id per capture")
            #expect(mine.allSatisfy { $0.outcome == .succeeded }, "\(capture.step) succeeded: \(mine.map(\.outcome))")
        }
        let answered = vlens.ledger().calls.filter { $0.status == 200 }
        let perCapture = Dictionary(grouping: answered, by: { $0.requestId ?? "" }).mapValues(\.count)
        #expect(perCapture.count == captures.count)
        #expect(perCapture.values.allSatisfy { $0 == 1 }, "Vlens answered each capture once")
    }
}
