import Foundation
import Kafka
import Prometheus
import Testing
import Verification

/// `KAFKA_EXACTLY_ONCE=true`: results and dead letters are published in the Kafka transaction
/// that commits their input offsets.
///
/// The broker used here (tansu) delivers aborted records to `read_committed` consumers, so these
/// tests check what it can show: outputs appear only with their offset commit, and a successor
/// publishes each stored result once. Aborted-record filtering is Kafka's part of the contract.
@Suite("Workflow: exactly-once mode", .timeLimit(.minutes(3)))
struct WorkflowExactlyOnceTests {
    static let exactlyOnce = ["KAFKA_EXACTLY_ONCE": "true", "WORKER_INSTANCE_ID": "eos-a"]

    /// The worker's `vlens_worker_results_total`, summed over its labels.
    static func resolvedCount(_ registry: PrometheusCollectorRegistry) -> Int {
        registry.emitToString().split(separator: "\n")
            .filter { $0.hasPrefix("vlens_worker_results_total{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }

    @Test("a full flow and a poison event are published through transactions")
    func flowAndPoison() async throws {
        try await WorkflowHarness.run(environment: Self.exactlyOnce) { harness in
            let flow = CaptureFactory()
            let captures = [flow.back(), flow.front(), flow.liveness()]
            for capture in captures { try await harness.submit(capture) }
            let transactionID = "tx-eos-poison-\(UUID().uuidString.prefix(8))"
            try await harness.submitRaw(key: transactionID, value: Array(#"{"eventId": "e1", "transactionId": "#.utf8))

            let results = try await harness.waitForResults(captures.count + 1)
            try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(30))
            let flowResults = results.filter { $0.transactionId == captures[0].transactionId }
            #expect(flowResults.map(\.causationId) == captures.map(\.eventId))
            #expect(flowResults.map(\.outcome) == [.succeeded, .succeeded, .succeeded])
            #expect(flowResults.last?.verification.processCompleted == true)
            #expect(results.filter { $0.transactionId == transactionID }.map(\.outcome) == [.invalid])
            #expect(harness.deadLetters.records.count == 1)
        }
    }

    @Test("results wait for their offset commit: a worker stopped before committing published nothing, and its successor publishes each once without calling Vlens again")
    func resultsCommitWithOffsets() async throws {
        try await WorkflowHarness.run(startWorker: false) { harness in
            let captures = [CaptureFactory().front(), CaptureFactory().front(), CaptureFactory().back()]
            // The first worker never reaches its commit interval, then stops as a crash would.
            let registry = PrometheusCollectorRegistry()
            let first = Task {
                try await harness.runWorker(environment: Self.exactlyOnce.merging(["COMMIT_INTERVAL_MS": "600000"]) { $1 }, registry: registry)
            }
            for capture in captures { try await harness.submit(capture) }
            // Wait until it resolved (stored) all three, so none is mid-call when it stops.
            let deadline = ContinuousClock.now + .seconds(60)
            while Self.resolvedCount(registry) < captures.count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(harness.simulator.ledger().calls.count == captures.count)
            try await Task.sleep(for: .seconds(1))
            #expect(harness.results.records.isEmpty, "no result may be visible before its offset commits")
            first.cancel()
            _ = await first.result

            let successor = Task {
                try await harness.runWorker(environment: Self.exactlyOnce.merging(["WORKER_INSTANCE_ID": "eos-b"]) { $1 })
            }
            defer { successor.cancel() }
            let results = try await harness.waitForResults(captures.count)
            try await Task.sleep(for: .seconds(2))
            #expect(harness.results.records.count == captures.count)
            #expect(Set(results.map(\.causationId)) == Set(captures.map(\.eventId)))
            #expect(harness.simulator.ledger().calls.count == captures.count, "stored results are re-published, not re-called")
        }
    }
}
