import Foundation
import Kafka
import Testing
import Verification

/// `vlens-worker replay` and `redrive` end to end: the real CLI process, broker, simulator and store.
@Suite("Operating: replay and redrive", .timeLimit(.minutes(4)))
struct WorkflowReplayRedriveTests {
    /// The summary's figure on the line starting with `label`.
    static func figure(_ label: String, in summary: String) -> Int? {
        summary.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }
            .flatMap { line in line.dropFirst(line.range(of: label)!.upperBound.utf16Offset(in: line)).split(separator: " ").first.flatMap { Int($0) } }
    }

    @Test("replay re-processes a time range: stored results are re-published with the same ids and Vlens is not called again")
    func replayRange() async throws {
        try await WorkflowHarness.run { harness in
            let since = ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: -2))
            let flow = CaptureFactory()
            let captures = [flow.front(), flow.back(), flow.liveness(), CaptureFactory().front()]
            for capture in captures { try await harness.submit(capture) }
            let first = try await harness.waitForResults(captures.count)
            let calls = harness.simulator.ledger().calls.count

            let dryRun = try await OperatorCommand.run(
                ["replay", "--from", since, "--transaction", captures[0].transactionId, "--dry-run", "--idle-timeout", "8"],
                environment: harness.environment)
            #expect(dryRun.status == 0, "\(dryRun.progress)")
            #expect(Self.figure("captures selected", in: dryRun.summary) == 3)
            #expect(Self.figure("with a stored result", in: dryRun.summary) == 3)
            #expect(Self.figure("published again", in: dryRun.summary) == 0)
            #expect(dryRun.progress.contains("records"))

            let replay = try await OperatorCommand.run(["replay", "--from", since, "--idle-timeout", "8"], environment: harness.environment)
            #expect(replay.status == 0, "\(replay.progress)")
            #expect(Self.figure("captures selected", in: replay.summary) == captures.count)
            #expect(Self.figure("published again", in: replay.summary) == captures.count)

            _ = try await harness.waitForResults(captures.count * 2)
            #expect(harness.simulator.ledger().calls.count == calls, "a replay never calls Vlens again for a completed capture")
            let all = harness.decodedResults()
            #expect(Set(all.map(\.eventId)) == Set(first.map(\.eventId)))
            let copies = Dictionary(grouping: harness.results.records, by: \.value)
            #expect(copies.values.allSatisfy { $0.count == 2 }, "re-published results are byte-identical")
        }
    }

    @Test("redrive puts dead letters back with keys and headers; a failed capture is attempted again under a new result id")
    func redriveFailedCapture() async throws {
        try await WorkflowHarness.run(startWorker: false) { harness in
            let capture = CaptureFactory().front()
            // A worker with a wrong ApiKey: Vlens answers 401, the capture fails and is dead-lettered.
            let misconfigured = Task { try await harness.runWorker(environment: ["VLENS_API_KEY": "wrong-key"]) }
            try await harness.submit(capture, traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            let failed = try await harness.result(of: capture.eventId)
            #expect(failed.outcome == .failed)
            try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(30))
            misconfigured.cancel()
            _ = await misconfigured.result
            // A replay (a group that reads from the start) re-publishes the stored failure and an
            // identical copy of its dead letter; redrive must put the capture back once.
            let replay = Task { try await harness.runWorker(environment: ["VLENS_API_KEY": "wrong-key", "KAFKA_GROUP_ID": (harness.environment["KAFKA_GROUP_ID"] ?? "") + "-replay"]) }
            try await harness.deadLetters.waitFor(count: 2, timeout: .seconds(60))
            replay.cancel()
            _ = await replay.result

            let fixed = Task { try await harness.runWorker() }
            defer { fixed.cancel() }

            let skipped = try await OperatorCommand.run(["redrive", "--filter", "unknown_tenant", "--idle-timeout", "8"], environment: harness.environment)
            #expect(skipped.status == 0, "\(skipped.progress)")
            #expect(skipped.summary.contains("skipped 1"))

            let dryRun = try await OperatorCommand.run(["redrive", "--dead-letter-topic", harness.deadLetterTopic, "--dry-run", "--idle-timeout", "8"], environment: harness.environment)
            #expect(dryRun.status == 0)
            #expect(dryRun.summary.contains("vlens_error"))

            let redrive = try await OperatorCommand.run(["redrive", "--filter", "vlens_error", "--idle-timeout", "8"], environment: harness.environment)
            #expect(redrive.status == 0, "\(redrive.progress)")
            #expect(redrive.summary.contains("total                          1"))
            #expect(redrive.summary.contains("identical copies, counted once"), "\(redrive.summary)")

            try await harness.results.waitFor(count: 2, timeout: .seconds(60))
            let results = harness.decodedResults()
            let retried = try #require(results.last)
            #expect(retried.outcome == .succeeded)
            #expect(retried.causationId == capture.eventId)
            #expect(retried.eventId != failed.eventId, "the re-attempt is a new result, not a duplicate of the failed one")
            // The fixed worker may have re-read the capture before the misconfigured one's commit landed:
            // then it re-published the stored failure and its dead letter, identical, and redrive put the
            // capture back once all the same.
            #expect(Set(harness.deadLetters.records.map(\.value)).count == 1, "one dead letter, in identical copies")

            // The redriven capture kept its key and headers, lost the dlq_* ones, and names its dead letter.
            let letter = try #require(harness.deadLetters.records.first)
            let captureTopic = try TopicCollector(servers: harness.servers, topic: harness.captureTopic)
            let reader = Task { try await captureTopic.run() }
            defer { reader.cancel() }
            try await captureTopic.waitFor(count: 2, timeout: .seconds(30))
            let redriven = try #require(captureTopic.records.last)
            #expect(redriven.key == letter.key)
            #expect(redriven.value == letter.value)
            #expect(redriven.header("traceparent") == letter.header("traceparent"))
            #expect(redriven.headers.allSatisfy { !$0.key.hasPrefix("dlq_") })
            #expect(redriven.header(DeadLetterRecord.redrivenFromHeader) == "\(letter.topic)/\(letter.partition)/\(letter.offset)")
        }
    }
}
