import Foundation
import Testing
import TestSupport
import Verification
import VlensSimulator

/// The reliability and security suite: each scenario runs a load of transactions through real
/// worker processes while a fault hits, then checks ``ChaosInvariants``. `CHAOS_PROFILE=full`
/// (`make chaos`) runs it long; `make test` runs the short profile.
@Suite("Chaos", .serialized, .timeLimit(.minutes(10)))
struct ChaosTests {
    static let environment = ["MAX_IN_FLIGHT": "32", "LOG_LEVEL": "info", "BREAKER_FAILURE_THRESHOLD": "5"].merging(ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("CHAOS_WORKER_") }.map { (String($0.key.dropFirst("CHAOS_WORKER_".count)), $0.value) }) { $1 }
    static func faults(_ configure: (inout SimulatorFaults) -> Void = { _ in }) -> SimulatorFaults {
        var faults = SimulatorFaults(latency: .fixed(milliseconds: 100), rateLimit: .unlimited)
        configure(&faults)
        return faults
    }

    /// Runs `scenario` with the load in the background, waits for every result, stops the
    /// workers, checks the invariants and writes the report.
    static func run(
        _ name: String, store: WorkflowStore = .sqlite, workers: Int = 1, faults: SimulatorFaults = faults(),
        environment extra: [String: String] = [:], bootstrapServers: String? = nil,
        maxDuplicateCalls: Int = 0, maxDuplicateResults: Int? = nil,
        _ scenario: @Sendable (ChaosRun) async throws -> Void
    ) async throws {
        try await WorkflowHarness.run(
            store: store, partitions: 6, faults: faults, environment: environment.merging(extra) { $1 },
            startWorker: false, bootstrapServers: bootstrapServers
        ) { harness in
            let run = ChaosRun(name, harness: harness)
            for _ in 0..<workers { try run.startWorker() }
            let load = Task { try await run.submitLoad() }
            try await scenario(run)
            try await load.value
            let complete = try await run.waitForAllResults(timeout: .seconds(240))
            try await Task.sleep(for: .seconds(2))
            let assignments = run.assignments()
            if !complete {
                // Before the workers stop (and revoke everything): who owned what when the results stopped coming.
                print("chaos \(name): captures without a result after 240 s; \(assignments.report(partitions: 6))")
            }
            let logs = await run.stopWorkers()
            ChaosInvariants.check(run, logs: logs, maxDuplicateCalls: maxDuplicateCalls, maxDuplicateResults: maxDuplicateResults).write()
        }
    }

    /// The rebalance scenarios run on librdkafka's mock cluster: tansu's group coordinator sometimes
    /// never completes a rebalance in which the leader left (README, "The test broker's limits").
    static func withRebalancingBroker(_ body: (String) async throws -> Void) async throws {
        let broker = try MockBroker()
        defer { broker.stop() }
        try await body(broker.bootstrapServers)
    }

    @Test("one of three workers is SIGKILLed at intervals under load")
    func workerKills() async throws {
        let profile = ChaosProfile.current
        try await Self.withRebalancingBroker { servers in
        try await Self.run("worker SIGKILL every \(profile.killInterval) (mock cluster)", store: .postgres, workers: 3, bootstrapServers: servers, maxDuplicateCalls: profile.kills * 32) { run in
            for kill in 0..<profile.kills {
                try await Task.sleep(for: profile.killInterval)
                try run.killAndReplace(kill % 3)
            }
        }
        }
    }

    /// No capture is called twice. Results may be re-published (byte-identical): the mock cluster, like
    /// tansu, answers commits that race a rebalance with ILLEGAL_GENERATION, librdkafka then drops the
    /// member's assignment as lost, and the next owner re-reads from the last commit that landed
    /// (README, "The test broker's limits").
    @Test("all workers get a rolling restart (SIGTERM) under load: no duplicate Vlens calls")
    func rollingRestart() async throws {
        try await Self.withRebalancingBroker { servers in
        try await Self.run("rolling restart (SIGTERM, mock cluster)", store: .postgres, workers: 3, bootstrapServers: servers, maxDuplicateCalls: 0) { run in
            try await Task.sleep(for: .seconds(4))
            for index in 0..<3 {
                try await run.restart(index)
                try await Task.sleep(for: .seconds(2))
            }
        }
        }
    }

    @Test("the broker stalls (SIGSTOP) under load")
    func brokerStall() async throws {
        let broker = try OwnBroker()
        defer { broker.stop() }
        let stall = ChaosProfile.current.brokerStall
        try await Self.run("broker stall \(stall)", bootstrapServers: broker.bootstrapServers) { run in
            try await Task.sleep(for: .seconds(4))
            broker.signal(SIGSTOP)
            try await Task.sleep(for: stall)
            broker.signal(SIGCONT)
            run.noteFaultEnded()
        }
    }

    @Test("Vlens answers 503 to everything for a while")
    func vlensOutage() async throws {
        let outage = ChaosProfile.current.vlensOutage
        try await Self.run("Vlens 100% 503 for \(outage)") { run in
            try await Task.sleep(for: .seconds(4))
            run.harness.simulator.setFaults(Self.faults { $0.error503Rate = 1 })
            try await Task.sleep(for: outage)
            run.harness.simulator.setFaults(Self.faults())
            run.noteFaultEnded()
        }
    }

    @Test("Vlens fails 10% of calls with 500 and hangs 5%")
    func vlensFlaky() async throws {
        try await Self.run("Vlens 10% 500, 5% hung", faults: Self.faults { $0.error500Rate = 0.10; $0.hangRate = 0.05; $0.hangSeconds = 30 },
                           environment: ["VLENS_REQUEST_TIMEOUT_MS": "2000"]) { _ in }
    }

    @Test("Vlens processes calls and their replies are lost: each costs at most one more call, nothing else")
    func lostReplies() async throws {
        try await Self.run("lost replies (5% reset, 5% hung after processing)", faults: Self.faults {
            $0.replyLostResetRate = 0.05; $0.replyLostHangRate = 0.05; $0.hangSeconds = 30
        }, environment: ["VLENS_REQUEST_TIMEOUT_MS": "2000"]) { _ in }
    }

    @Test("Vlens answers half the calls with 429")
    func rateLimitStorm() async throws {
        try await Self.run("429 storm (50%)", faults: Self.faults { $0.error429Rate = 0.5; $0.retryAfterSeconds = 1 }) { _ in }
    }

    @Test("Vlens answers are huge, truncated or not JSON")
    func malformedResponses() async throws {
        try await Self.run("huge / truncated / non-JSON answers (5% each)", faults: Self.faults {
            $0.hugeResponseRate = 0.05; $0.truncatedResponseRate = 0.05; $0.nonJSONResponseRate = 0.05
        }) { _ in }
    }

    @Test("fuzzed poison events and hostile claim-check URLs are dead-lettered; the load is untouched")
    func poisonInput() async throws {
        let seed = ProcessInfo.processInfo.environment["CHAOS_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        print("chaos poison seed: \(seed) (CHAOS_SEED to repeat)")
        let claimChecks = [
            "CLAIM_CHECK_ALLOWED_HOSTS": "images.example.com,127.0.0.1,169.254.169.254",
            "CLAIM_CHECK_ALLOWED_SCHEMES": "http,https",
        ]
        try await Self.run("poison input (fuzzed)", environment: claimChecks) { run in
            let admin = (run.harness.environment["VLENS_BASE_URL"] ?? "") + "/_simulator/faults"
            var fuzzer = PoisonFuzzer(seed: seed, loopbackAdminURL: admin)
            let poisons = fuzzer.events(run.profile.poisonEvents)
            for poison in poisons {
                try await run.submitPoison(key: poison.key, value: poison.value)
            }
            try await run.harness.deadLetters.waitFor(count: poisons.count, timeout: .seconds(120))
            let reasons = Dictionary(run.harness.deadLetters.records.map { ($0.key.map { String(decoding: $0, as: UTF8.self) } ?? "", $0.header("dlq_reason") ?? "") }) { $1 }
            for poison in poisons {
                let reason = reasons[poison.key]
                #expect(reason.map(poison.reasons.contains) == true, "\(poison.kind): dead-letter reason \(reason ?? "none"), expected one of \(poison.reasons)")
            }
            let ledger = run.harness.simulator.ledger()
            #expect(!ledger.calls.contains { call in poisons.contains { $0.key == call.clientTransactionId } }, "no poison event reached Vlens")
        }
    }
}
