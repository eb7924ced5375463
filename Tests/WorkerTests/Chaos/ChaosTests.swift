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
        otherSimulators: [VlensSimulatorServer] = [], slotEnvironment: @escaping @Sendable (_ slot: Int) -> [String: String] = { _ in [:] },
        shape: @Sendable (_ transaction: Int, _ capture: inout CaptureSubmitted) -> Void = { _, _ in },
        afterStop: @Sendable (_ run: ChaosRun, _ report: ChaosReport, _ logs: [String]) async throws -> Void = { _, _, _ in },
        _ scenario: @Sendable (ChaosRun) async throws -> Void
    ) async throws {
        try await WorkflowHarness.run(
            store: store, partitions: 6, faults: faults, environment: environment.merging(extra) { $1 },
            startWorker: false, bootstrapServers: bootstrapServers
        ) { harness in
            let run = ChaosRun(name, harness: harness, otherSimulators: otherSimulators, slotEnvironment: slotEnvironment, shape: shape)
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
            let report = ChaosInvariants.check(run, logs: logs, maxDuplicateCalls: maxDuplicateCalls, maxDuplicateResults: maxDuplicateResults)
            report.write()
            try await afterStop(run, report, logs)
        }
    }

    /// The rebalance scenarios run on librdkafka's mock cluster: tansu's group coordinator sometimes
    /// never completes a rebalance in which the leader left (README, "The test broker's limits").
    static func withRebalancingBroker(_ body: (String) async throws -> Void) async throws {
        let broker = try await MockBroker()
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

    /// The exactly-once mode's environment for worker slot `slot`: a `WORKER_INSTANCE_ID` of its own
    /// that a replacement in the same slot keeps (as a StatefulSet's pod `vlens-worker-k` does), so
    /// the replacement's `initTransactions` fences whatever its predecessor left open.
    static func exactlyOnce(slot: Int) -> [String: String] {
        ["KAFKA_EXACTLY_ONCE": "true", "WORKER_INSTANCE_ID": "vlens-worker-\(slot)"]
    }

    /// What an exactly-once scenario's result consumer saw, and why: the duplicates a `read_committed`
    /// consumer received (the invariants have checked they are byte-identical), the group's committed
    /// capture offsets after the run (the transactions commit them), aborted transactions and stored
    /// results re-published, from the workers' logs.
    ///
    /// On librdkafka's mock cluster (2.8.0) the committed offsets stay -1: its TxnOffsetCommit handler
    /// validates the request and answers success but stores nothing, and EndTxn writes no markers
    /// (nor does Fetch list aborted transactions; the last stable offset is the high watermark). So
    /// every partition that changes owner there is consumed again from its start and its stored
    /// results re-published: the duplicates these scenarios report are the mock's, and show only that
    /// re-publishing is byte-identical and calls Vlens no more. On Apache Kafka the offsets commit with
    /// the results and a `read_committed` consumer sees each result once after a graceful restart.
    static func reportExactlyOnce(_ run: ChaosRun, _ report: ChaosReport, _ logs: [String]) async throws {
        var committed: [String] = []
        for partition in 0..<6 {
            let offset = try await run.harness.waitForCommittedOffset(partition: Int32(partition), atLeast: 1, timeout: .milliseconds(500))
            committed.append("\(partition):\(offset)")
        }
        let count = { (message: String) in logs.reduce(0) { $0 + $1.components(separatedBy: message).count - 1 } }
        print(
            "chaos \(run.name): a read_committed consumer saw \(report.duplicates) duplicate results (byte-identical); "
                + "\(count(#""msg":"capture already resolved: stored result re-published"#)) stored results re-published, "
                + "\(count(#""msg":"transaction aborted"#)) transactions aborted, \(count(#""msg":"transactional producer failed fatally"#)) fatal producer errors; "
                + "the group's committed capture offsets after the run (partition:offset, -1 none): \(committed.joined(separator: " "))")
    }

    /// `workerKills` in the exactly-once mode. The result collector reads `read_committed` (the
    /// default of `KafkaConsumerConfiguration`, which `TopicCollector` keeps). On Kafka a SIGKILLed
    /// worker's open transaction is aborted and fenced when its replacement (same instance id) starts;
    /// the captures it had stored but not committed are consumed again and their stored results
    /// published in a later transaction. Duplicates a `read_committed` consumer sees are reported (see
    /// ``reportExactlyOnce(_:_:_:)`` for why the mock cluster shows many), and must be byte-identical.
    @Test("exactly-once: one of three workers is SIGKILLed at intervals under load; replacements keep the slot's instance id")
    func exactlyOnceWorkerKills() async throws {
        let profile = ChaosProfile.current
        try await Self.withRebalancingBroker { servers in
        try await Self.run(
            "exactly-once worker SIGKILL every \(profile.killInterval) (mock cluster)", store: .postgres, workers: 3, bootstrapServers: servers,
            maxDuplicateCalls: profile.kills * 32, slotEnvironment: Self.exactlyOnce(slot:), afterStop: Self.reportExactlyOnce
        ) { run in
            for kill in 0..<profile.kills {
                try await Task.sleep(for: profile.killInterval)
                try run.killAndReplace(kill % 3)
            }
        }
        }
    }

    /// `rollingRestart` in the exactly-once mode: each worker drains, commits its last transaction and
    /// leaves; its replacement (same instance id) takes over. No capture is called twice. Duplicate
    /// results are reported, not bounded: on Kafka there would be none, but the mock cluster does not
    /// store transactional offset commits (``reportExactlyOnce(_:_:_:)``).
    @Test("exactly-once: all workers get a rolling restart (SIGTERM) under load; replacements keep the slot's instance id")
    func exactlyOnceRollingRestart() async throws {
        try await Self.withRebalancingBroker { servers in
        try await Self.run(
            "exactly-once rolling restart (SIGTERM, mock cluster)", store: .postgres, workers: 3, bootstrapServers: servers,
            maxDuplicateCalls: 0, slotEnvironment: Self.exactlyOnce(slot:), afterStop: Self.reportExactlyOnce
        ) { run in
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
        let broker = try await OwnBroker()
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

    /// PostgreSQL, the store of two workers, terminates their connections and refuses new ones for a
    /// while, as in a restart or a failover: captures wait for it, and the answers Vlens gave meanwhile
    /// are kept until they are stored, so no capture is called twice.
    @Test("PostgreSQL drops and refuses the workers' connections for a while")
    func storeOutage() async throws {
        let outage = ChaosProfile.current.storeOutage
        // Vlens takes 1 s: calls are under way when the store goes, and their answers arrive during the outage.
        let faults = Self.faults { $0.latency = .fixed(milliseconds: 1000) }
        try await Self.run("PostgreSQL refusing connections for \(outage)", store: .postgres, workers: 2, faults: faults) { run in
            let storeURL = try #require(run.harness.environment["STORE_URL"])
            try await Task.sleep(for: .seconds(4))
            try await PostgresTestDatabase.cutOff(storeURL)
            try await Task.sleep(for: outage)
            try await PostgresTestDatabase.reopen(storeURL)
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

    /// A third of the load's transactions belong to tenant acme, whose Vlens (a second simulator)
    /// answers 503 to everything for a while: its captures are parked behind its open breaker and
    /// drain in order when it recovers; the default tenant's captures keep flowing meanwhile.
    @Test("one tenant's Vlens answers 503 to everything for a while: the other tenant's captures keep flowing")
    func tenantOutage() async throws {
        let outage = ChaosProfile.current.tenantOutage
        let configuration = SimulatorConfiguration(
            apiKeys: [WorkflowHarness.apiKey], tokens: [SimulatorToken(token: "user-token-alice", emailOrPhoneNumber: "alice@example.com")], faults: Self.faults())
        try await VlensSimulatorServer.withRunning(configuration: configuration) { acmeVlens, acmeURL in
            let tenant = [
                "VLENS_TENANTS": "acme", "VLENS_TENANT_ACME_BASE_URL": acmeURL, "VLENS_TENANT_ACME_API_KEY": WorkflowHarness.apiKey,
                "VLENS_TENANT_ACME_RATE_LIMIT_RPS": "unlimited", "VLENS_TENANT_ACME_RATE_LIMIT_RPM": "unlimited",
            ]
            try await Self.run("tenant acme's Vlens 100% 503 for \(outage)", environment: tenant, otherSimulators: [acmeVlens], shape: { transaction, capture in
                if transaction % 3 == 1 { capture.tenant = "acme" }
            }) { run in
                let acme = Set(run.captures.filter { $0.tenant == "acme" }.map(\.transactionId))
                try await Task.sleep(for: .seconds(4))
                let start = Date()
                acmeVlens.setFaults(Self.faults { $0.error503Rate = 1 })
                try await Task.sleep(for: outage)
                acmeVlens.setFaults(Self.faults())
                run.noteOutage("tenant acme's Vlens", affecting: acme, from: start)
                let refused = acmeVlens.ledger().calls.filter { $0.status == 503 }.count
                #expect(refused > 0, "acme's Vlens refused calls during the outage")
                print("chaos tenant outage: acme's Vlens answered \(refused) calls with 503 during the outage")
            }
            let acmeCaptures = (0..<ChaosProfile.current.transactions).filter { $0 % 3 == 1 }.count * 3
            let acmeCalls = acmeVlens.ledger().calls.filter { ChaosInvariants.wasProcessed($0.outcome) }.count
            #expect(acmeCalls == acmeCaptures, "acme's Vlens processed each of the \(acmeCaptures) acme captures (\(acmeCalls) calls)")
        }
    }

    /// Half the load's transactions send their ID front (in the front and the liveness captures) as
    /// claim-check references to an image host that answers 503 for a while: those captures are
    /// parked and resumed in order when it recovers; Vlens never sees them twice.
    @Test("the claim-check image host answers 503 for a while: every capture still succeeds, in order")
    func imageHostOutage() async throws {
        let outage = ChaosProfile.current.imageHostOutage
        let host = FlakyImageHost(base64Image: SimulatorImages.front(person: "alice"))
        host.recover()
        let claimChecks = ["CLAIM_CHECK_ALLOWED_SCHEMES": "http", "CLAIM_CHECK_ALLOWED_HOSTS": "127.0.0.1", "CLAIM_CHECK_ALLOW_PRIVATE_ADDRESSES": "true"]
        try await host.withRunning { port in
            let reference = host.reference(port: port)
            try await Self.run("image host 100% 503 for \(outage)", environment: claimChecks, shape: { transaction, capture in
                if transaction % 2 == 1, capture.step == .idFront || capture.step == .liveness { capture.images.idFront = reference }
            }) { run in
                let referencing = Set(run.captures.filter { $0.images.idFront == reference }.map(\.transactionId))
                try await Task.sleep(for: .seconds(4))
                let start = Date()
                let fetchesBefore = host.fetchCount
                host.fail()
                try await Task.sleep(for: outage)
                host.recover()
                run.noteOutage("the image host", affecting: referencing, from: start)
                let refused = host.fetchCount - fetchesBefore
                #expect(refused > 0, "the image host refused fetches during the outage")
                print("chaos image host outage: \(refused) fetches refused during the outage")
            }
            print("chaos image host outage: \(host.fetchCount) fetches in all")
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
