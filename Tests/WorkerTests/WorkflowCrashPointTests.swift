import Foundation
import Kafka
import Testing
import Verification
import Worker
import Workflow

/// Terminal outputs are stored before they are published: a worker killed between any two of them
/// leaves the next delivery to re-publish the same result and the same dead letter, byte for byte,
/// with no second Vlens call; a replay afterwards re-publishes both again, identical.
@Suite("Workflow: crash points between terminal outputs", .timeLimit(.minutes(4)))
struct WorkflowCrashPointTests {
    @Test("a failed capture (Vlens answers 401): one result id, identical dead letters, one Vlens call", arguments: CrashPoint.allCases)
    func failedCapture(crashPoint: CrashPoint) async throws {
        try await WorkflowHarness.run(startWorker: false) { harness in
            let capture = CaptureFactory().front()
            try await harness.submit(capture)
            try await Self.crashThenRecover(harness, crashPoint: crashPoint, environment: ["VLENS_API_KEY": "wrong-key"])
            try await Self.expectIdenticalOutputs(harness, failed: true)
            let calls = harness.simulator.ledger().calls.filter { $0.requestId == capture.eventId }
            #expect(calls.count == 1, "Vlens was called once, not again after the crash")
        }
    }

    @Test("an invalid capture (poison naming its transaction): one result id, identical dead letters")
    func invalidCapture() async throws {
        try await WorkflowHarness.run(startWorker: false) { harness in
            try await harness.submitRaw(key: "tx-crash-poison", value: Array(#"{"eventId": "evt-crash-poison", "transactionId": "tx-crash-poison", "step": "id_front"}"#.utf8))
            try await Self.crashThenRecover(harness, crashPoint: .afterStore, environment: [:])
            try await Self.expectIdenticalOutputs(harness, failed: false)
        }
    }

    /// Runs a worker that dies at `crashPoint`, then one that does not, until both outputs exist.
    static func crashThenRecover(_ harness: WorkflowHarness, crashPoint: CrashPoint, environment: [String: String]) async throws {
        let crashing = try WorkerProcess(environment: harness.environment.merging(environment) { $1 }.merging(["WORKER_TEST_CRASH_POINT": crashPoint.rawValue]) { $1 })
        let deadline = ContinuousClock.now + .seconds(90)
        while crashing.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!crashing.isRunning, "the worker reached \(crashPoint) and died")
        crashing.kill()
        let recovering = try WorkerProcess(environment: harness.environment.merging(environment) { $1 })
        defer { recovering.kill() }
        try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(90))
        _ = try await harness.waitForResults(1, timeout: .seconds(90))
        try await Task.sleep(for: .seconds(2))
        _ = await recovering.terminate()
        // A replay (a group that reads the topic from the start) re-publishes both from the store.
        let published = (harness.results.records.count, harness.deadLetters.records.count)
        let replaying = try WorkerProcess(
            environment: harness.environment.merging(environment) { $1 }.merging(["KAFKA_GROUP_ID": (harness.environment["KAFKA_GROUP_ID"] ?? "") + "-replay"]) { $1 }
        )
        defer { replaying.kill() }
        try await harness.deadLetters.waitFor(count: published.1 + 1, timeout: .seconds(90))
        _ = try await harness.waitForResults(published.0 + 1, timeout: .seconds(90))
        _ = await replaying.terminate()
    }

    static func expectIdenticalOutputs(_ harness: WorkflowHarness, failed: Bool) async throws {
        let results = harness.results.records
        #expect(Set(results.map(\.value)).count == 1, "every copy of the result is byte-identical (\(results.count) copies)")
        let decoded = try #require(harness.decodedResults().first)
        #expect(decoded.outcome == (failed ? .failed : .invalid))
        let letters = harness.deadLetters.records
        #expect(!letters.isEmpty)
        let forms = Set(letters.map { letter in letter.value + letter.headers.flatMap { Array($0.key.utf8) + ($0.value ?? []) } })
        #expect(forms.count == 1, "every copy of the dead letter is byte-identical, headers included (\(letters.count) copies)")
    }
}
