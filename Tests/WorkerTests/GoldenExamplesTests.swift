import Foundation
import Testing
import TestSupport
import Verification
import VlensSimulator

/// The documented examples are produced, not written: each scenario runs through the worker
/// in-process (real capture handler, simulator over sockets, SQLite), and the results, status
/// records and deprecated v1 results it publishes are validated against their schemas and compared
/// with the files under `schemas/examples/verification-result/`, `verification-status/` and
/// `verification-result.v1/`, ignoring only ids and timestamps. `GOLDEN_UPDATE=1` rewrites the
/// files from the run.
@Suite("Golden examples: the documented results are what the worker produces", .serialized, .timeLimit(.minutes(3)))
struct GoldenExamplesTests {
    /// A produced result and the status record and v1 result published with it, under the example's name.
    struct Produced: Sendable {
        var name: String
        var result: [UInt8]
        var status: [UInt8]
        var resultV1: [UInt8]

        /// The records the worker published for `result`.
        init(_ name: String, of result: VerificationResult, in harness: InProcessHarness) throws {
            self.name = name
            self.result = try #require(harness.results.records.first { (try? VerificationResult.decode($0.value))?.eventId == result.eventId }).value
            self.status = try #require(harness.statuses.records.first { (try? TransactionStatus.decode($0.value))?.lastResultId == result.eventId }).value
            self.resultV1 = try #require(harness.resultsV1.records.first { record in
                ((try? JSONSerialization.jsonObject(with: Data(record.value))) as? [String: Any])?["eventId"] as? String == result.eventId
            }).value
        }
    }

    /// One example: the capture whose result (and the status record published with it) is the example.
    struct Example {
        var name: String
        var capture: CaptureSubmitted
    }

    static let environment = [
        "INCLUDE_EXTRACTED_DATA": "true", "VLENS_RETRY_MAX_ATTEMPTS": "2", "VLENS_RETRY_BASE_DELAY_MS": "10",
        "LINK_MAX_WAIT_MS": "20000", "RESULT_V1_TOPIC": "in-process.results.v1",
    ]

    @Test("every documented scenario produces its example result and status record")
    func scenarios() async throws {
        let produced = try await InProcessHarness.run(environment: Self.environment) { harness in
            var produced: [Produced] = []
            var examples: [Example] = []
            // A user's flow, verified; then a front after the verdict.
            let alice = CaptureFactory()
            let flow = [alice.front(), alice.back(), alice.liveness(), alice.front()]
            examples += zip(["id-front-succeeded", "id-back-succeeded", "liveness-succeeded-verified", "id-front-rejected-transaction-final"], flow).map(Example.init)
            // Rejections Vlens makes, and one the worker makes.
            examples.append(Example(name: "id-front-rejected-image-quality", capture: CaptureFactory().front(.unreadable)))
            examples.append(Example(name: "id-front-rejected-spoof", capture: CaptureFactory().front(.spoof)))
            let early = CaptureFactory()
            examples.append(Example(name: "liveness-rejected-sides-missing", capture: early.liveness()))
            // Vlens completes the process but the registry check fails.
            let registry = CaptureFactory()
            examples += [registry.front(.srcInvalid), registry.back()].map { Example(name: "", capture: $0) }
            examples.append(Example(name: "liveness-succeeded-not-verified", capture: registry.liveness()))
            // API-key-only: verified by Vlens, pending until the link.
            let anonymous = CaptureFactory(userToken: nil)
            examples += [anonymous.front(), anonymous.back()].map { Example(name: "", capture: $0) }
            examples.append(Example(name: "liveness-succeeded-user-not-linked", capture: anonymous.liveness()))
            examples.append(Example(name: "link-succeeded", capture: CaptureFactory(transactionId: anonymous.transactionId).link()))

            for example in examples { try await harness.submit(example.capture) }
            for example in examples where !example.name.isEmpty {
                let result = try await harness.result(of: example.capture.eventId)
                produced.append(try Produced(example.name, of: result, in: harness))
            }
            // Once Vlens has accepted the ApiKey, a 401 is about the capture's user token.
            let expired = CaptureFactory(userToken: "expired-token").front()
            try await harness.submit(expired)
            let result = try await harness.result(of: expired.eventId)
            produced.append(try Produced("id-front-rejected-user-token", of: result, in: harness))
            return produced
        }
        try await Self.check(produced)
    }

    @Test("a capture that breaks its schema but names its transaction gets an invalid result and a dead letter")
    func invalidCapture() async throws {
        let produced = try await InProcessHarness.run(environment: Self.environment) { harness in
            let alice = CaptureFactory()
            let front = alice.front()
            try await harness.submit(front)
            _ = try await harness.result(of: front.eventId)
            let eventId = CaptureFactory.newEventID()
            let broken = #"{"eventId":"\#(eventId)","transactionId":"\#(alice.transactionId)","step":"selfie","submittedAt":"2026-11-30T09:00:00Z","getExtractedData":false}"#
            try await harness.submitRaw(key: alice.transactionId, value: Array(broken.utf8))
            let result = try await harness.result(of: eventId)
            return [try Produced("invalid", of: result, in: harness)]
        }
        try await Self.check(produced)
    }

    @Test("a step Vlens keeps failing past the retry budget is failed (not final), with vlens_unavailable")
    func failedStep() async throws {
        let faults = SimulatorFaults(error503Rate: 1, steps: ["id_back"], rateLimit: .unlimited)
        let produced = try await InProcessHarness.run(faults: faults, environment: Self.environment) { harness in
            let alice = CaptureFactory()
            let front = alice.front()
            let back = alice.back()
            try await harness.submit(front)
            try await harness.submit(back)
            let result = try await harness.result(of: back.eventId)
            return [try Produced("id-back-failed", of: result, in: harness)]
        }
        try await Self.check(produced)
    }

    @Test("the v1 examples are the v1 forms of the v2 examples, one for one")
    func v1ExamplesMatchV2() throws {
        let names = { (kind: String) in Set(try ContractFiles.examples(kind).map(\.lastPathComponent)) }
        #expect(try names("verification-result.v1") == names("verification-result"))
    }

    @Test("the README's result and status blocks are produced examples (ids and timestamps aside)")
    func readmeBlocks() throws {
        let readme = try String(contentsOf: ContractFiles.root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```json\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        var examples: Set<String> = []
        for kind in ["verification-result", "verification-status"] {
            for file in try ContractFiles.examples(kind) { examples.insert(try Self.normalized(Array(try Data(contentsOf: file)))) }
        }
        let shown = blocks.filter { $0.contains("\"verdict\"") }
        #expect(!shown.isEmpty, "the README shows no result or status record")
        for block in shown {
            #expect(examples.contains(try Self.normalized(Array(block.utf8))), "a README block is no produced example:\n\(block)")
        }
    }

    // MARK: - Comparing

    /// Validates every produced record against its schema, then compares it with its example file
    /// (or writes the file with `GOLDEN_UPDATE=1`).
    static func check(_ produced: [Produced]) async throws {
        let update = ProcessInfo.processInfo.environment["GOLDEN_UPDATE"] == "1"
        for (kind, key) in [("verification-result", \Produced.result), ("verification-status", \Produced.status), ("verification-result.v1", \Produced.resultV1)] {
            let paths = try ContractFiles.temporaryFiles(produced.map { ("\($0.name).json", $0[keyPath: key]) })
            let run = try await ContractFiles.validate(["--kind", kind] + paths)
            #expect(run.status == 0, "\(kind) records the worker produced break the schema: \(run.output)")
            for item in produced {
                let file = ContractFiles.schemas.appendingPathComponent("examples/\(kind)/\(item.name).json")
                let pretty = try Self.pretty(item[keyPath: key])
                if update {
                    try Data((pretty + "\n").utf8).write(to: file)
                    continue
                }
                let expected = try Data(contentsOf: file)
                #expect(
                    try normalized(Array(expected)) == normalized(item[keyPath: key]),
                    "\(kind)/\(item.name).json differs from what the worker produces (ids and timestamps aside); produced:\n\(pretty)")
            }
        }
    }

    /// The fields that differ from run to run: ids and times.
    static let volatile: Set<String> = [
        "eventId", "causationId", "transactionId", "vlensTransactionId", "transaction_id", "lastResultId",
        "receivedAt", "completedAt", "totalMs", "vlensMs", "updatedAt",
    ]

    static func normalized(_ bytes: [UInt8]) throws -> String {
        func scrub(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                return Dictionary(uniqueKeysWithValues: object.map { key, inner in (key, volatile.contains(key) ? "*" : scrub(inner)) })
            }
            if let array = value as? [Any] { return array.map(scrub) }
            return value
        }
        let object = scrub(try JSONSerialization.jsonObject(with: Data(bytes)))
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static func pretty(_ bytes: [UInt8]) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
