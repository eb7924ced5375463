import Foundation
import Kafka
import Testing
import Verification

/// Poison input goes to the dead-letter topic with its reason, and the worker keeps going (in-process,
/// ``InProcessHarness``; the chaos suite fuzzes poison through the broker).
@Suite("Workflow: poison input", .timeLimit(.minutes(3)))
struct WorkflowPoisonTests {
    /// One kind of poison: the raw event and the reason code the dead letter must carry.
    struct Poison: Sendable, CustomTestStringConvertible {
        var name: String
        var value: @Sendable (String) -> [UInt8]
        var reason: String
        var testDescription: String { name }
    }

    static let poisons: [Poison] = [
        Poison(name: "malformed JSON", value: { _ in Array(#"{"eventId": "e1", "transactionId": "#.utf8) }, reason: "malformed_json"),
        Poison(name: "wrong types", value: { tx in Array(#"{"eventId": 7, "transactionId": "\#(tx)", "step": "id_front", "submittedAt": "2026-11-27T09:00:00Z", "getExtractedData": "yes", "images": {}}"#.utf8) }, reason: "schema_invalid"),
        Poison(name: "unknown step", value: { tx in Array(#"{"eventId": "e3", "transactionId": "\#(tx)", "step": "selfie", "submittedAt": "2026-11-27T09:00:00Z", "getExtractedData": false, "images": {}}"#.utf8) }, reason: "schema_invalid"),
        Poison(name: "missing images", value: { tx in Array(#"{"eventId": "e4", "transactionId": "\#(tx)", "step": "id_front", "submittedAt": "2026-11-27T09:00:00Z", "getExtractedData": false, "images": {}}"#.utf8) }, reason: "schema_invalid"),
        Poison(name: "invalid base64", value: { tx in Array(#"{"eventId": "e5", "transactionId": "\#(tx)", "step": "id_front", "submittedAt": "2026-11-27T09:00:00Z", "getExtractedData": false, "images": {"idFront": {"base64": "not base64!!"}}}"#.utf8) }, reason: "schema_invalid"),
        Poison(name: "claim check to a disallowed host", value: { tx in Array(#"{"eventId": "e6", "transactionId": "\#(tx)", "step": "id_front", "submittedAt": "2026-11-27T09:00:00Z", "getExtractedData": false, "images": {"idFront": {"url": "https://169.254.169.254/latest/meta-data", "sha256": "\#(String(repeating: "a", count: 64))", "sizeBytes": 100}}}"#.utf8) }, reason: "disallowed_image_host"),
        Poison(name: "oversized event", value: { tx in Array(#"{"eventId": "e7", "transactionId": "\#(tx)", "pad": "\#(String(repeating: "x", count: 70_000))"}"#.utf8) }, reason: "oversized"),
    ]

    @Test("each poison event is dead-lettered with its reason and original bytes; the worker keeps going", arguments: poisons)
    func poisonIsDeadLettered(poison: Poison) async throws {
        try await InProcessHarness.run(environment: ["MAX_EVENT_BYTES": "65536"]) { harness in
            let transactionID = "tx-poison-\(UUID().uuidString.prefix(8))"
            let value = poison.value(transactionID)
            try await harness.submitRaw(key: transactionID, value: value, headers: [KafkaHeader(key: "traceparent", value: Array("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".utf8))])

            let healthy = CaptureFactory().front()
            try await harness.submit(healthy)
            #expect(try await harness.result(of: healthy.eventId).outcome == .succeeded)

            try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(30))
            let letter = try #require(harness.deadLetters.records.first)
            #expect(letter.value == value)
            #expect(letter.key == Array(transactionID.utf8))
            let headers = Dictionary(letter.headers.map { ($0.key, String(decoding: $0.value ?? [], as: UTF8.self)) }) { $1 }
            #expect(headers["dlq_reason"] == poison.reason)
            #expect(headers["dlq_source_topic"] == harness.captureTopic)
            #expect(headers["traceparent"] != nil)

            // The record names its transaction (payload or key), so an `invalid` result is published too.
            try await harness.results.waitFor(count: 2, timeout: .seconds(30))
            let invalid = harness.decodedResults().filter { $0.transactionId == transactionID }
            #expect(invalid.map(\.outcome) == [.invalid])
            #expect(invalid.first?.error?.code == .invalidEvent)
            // The invalid result continues the record's trace.
            let resultRecord = try #require(harness.results.records.first { (try? VerificationResult.decode($0.value))?.transactionId == transactionID })
            let resultTrace = resultRecord.headers.first { $0.key == "traceparent" }.map { String(decoding: $0.value ?? [], as: UTF8.self) }
            #expect(resultTrace?.hasPrefix("00-0af7651916cd43dd8448eb211c80319c-") == true, "the invalid result carries the capture's trace id, got \(resultTrace ?? "none")")
        }
    }

    /// A bad record that names no transaction whose lane it runs in.
    struct LanelessPoison: Sendable, CustomTestStringConvertible {
        var name: String
        var make: @Sendable (String) -> (key: String, value: String)
        var testDescription: String { name }
    }

    static let lanelessPoisons: [LanelessPoison] = [
        LanelessPoison(name: "keyed by another transaction") { tx in (key: "tx-other-\(tx)", value: #"{"eventId": "e1", "transactionId": "\#(tx)", "step": "selfie"}"#) },
        LanelessPoison(name: "NUL in both ids") { tx in (key: "\(tx)\u{0}", value: #"{"eventId": "e\u0000", "transactionId": "\#(tx)\u0000", "step": "selfie"}"#) },
    ]

    @Test("a bad record keyed by another transaction than it names, or with ids a store may refuse, gets a dead letter and no result", arguments: lanelessPoisons, WorkflowStore.allCases)
    func poisonNamingNoLaneTransaction(poison lanelessPoison: LanelessPoison, store: WorkflowStore) async throws {
        let make = lanelessPoison.make
        try await InProcessHarness.run(store: store) { harness in
            let transactionID = "tx-poison-\(UUID().uuidString.prefix(8))"
            let poison = make(transactionID)
            try await harness.submitRaw(key: poison.key, value: Array(poison.value.utf8))
            try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(30))
            let letter = try #require(harness.deadLetters.records.first)
            #expect(letter.key == Array(poison.key.utf8))
            #expect(letter.value == Array(poison.value.utf8))

            // The dead letter and a result would be delivered together; a healthy capture after it shows the worker went on.
            let healthy = CaptureFactory().front()
            try await harness.submit(healthy)
            #expect(try await harness.result(of: healthy.eventId).outcome == .succeeded)
            #expect(harness.decodedResults().map(\.outcome) == [.succeeded])
        }
    }

    @Test("an invalid result names the tenant its record names, when that is a valid tenant name (absent reads as the default tenant)")
    func invalidResultNamesItsTenant() async throws {
        try await InProcessHarness.run { harness in
            let transactionID = "tx-poison-\(UUID().uuidString.prefix(8))"
            for (eventID, tenant) in [("e-acme", "acme"), ("e-bad", "not a tenant/name")] {
                let value = #"{"eventId": "\#(eventID)", "transactionId": "\#(transactionID)", "tenant": "\#(tenant)", "step": "selfie"}"#
                try await harness.submitRaw(key: transactionID, value: Array(value.utf8))
            }
            var unknown = CaptureFactory().front()
            unknown.tenant = "ghost"  // valid, but not configured: refused before any call
            try await harness.submit(unknown)
            let results = try await harness.waitForResults(3)
            #expect(results.map(\.outcome) == [.invalid, .invalid, .invalid])
            #expect(results.filter { $0.transactionId == transactionID }.map(\.tenant) == ["acme", nil])
            #expect(results.first { $0.transactionId == unknown.transactionId }?.tenant == "ghost")
        }
    }

    @Test("an eventId reused by a capture of another transaction is dead-lettered; the first capture's result is not re-published for it")
    func reusedEventID() async throws {
        try await InProcessHarness.run { harness in
            let first = CaptureFactory().front()
            try await harness.submit(first)
            #expect(try await harness.result(of: first.eventId).outcome == .succeeded)

            let reuse = CaptureFactory().front(eventId: first.eventId)
            try await harness.submit(reuse)
            try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(30))
            let letter = try #require(harness.deadLetters.records.first)
            #expect(letter.key == Array(reuse.transactionId.utf8))
            let headers = Dictionary(letter.headers.map { ($0.key, String(decoding: $0.value ?? [], as: UTF8.self)) }) { $1 }
            #expect(headers["dlq_reason"] == "event_id_reused")
            #expect(headers["dlq_field"] == "eventId")
            #expect(harness.decodedResults().map(\.transactionId) == [first.transactionId])
        }
    }

    @Test("a redriven capture that is refused again gets an invalid result under the redrive's result id, not the replaced one's; delivered again, it is re-published")
    func redrivenAndRefusedAgain() async throws {
        try await InProcessHarness.run { harness in
            var capture = CaptureFactory().front()
            capture.tenant = "ghost"  // no such tenant: refused before any call
            try await harness.submit(capture)
            let first = try await harness.result(of: capture.eventId)
            #expect(first.outcome == .invalid)

            let deadLetter = "\(harness.captureTopic).dlq/0/0"
            var headers = capture.cloudEventHeaders(source: "/in-process").messageHeaders.map { KafkaHeader(key: $0.name, value: $0.value) }
            headers.append(KafkaHeader(key: DeadLetterRecord.redrivenFromHeader, value: Array(deadLetter.utf8)))
            try await harness.submitRaw(key: capture.transactionId, value: try capture.encodedJSON(), headers: headers)
            try await harness.results.waitFor(count: 2, timeout: .seconds(30))
            let results = harness.decodedResults()
            #expect(results.map(\.outcome) == [.invalid, .invalid])
            #expect(results.last?.eventId == VerificationResult.eventID(forCapture: capture.eventId, redrivenFrom: deadLetter))
            #expect(results.last?.eventId != first.eventId)

            // The redriven record delivered again (a restart before its commit, a replay): the
            // redrive's stored result is re-published, byte for byte, not attempted once more.
            try await harness.submitRaw(key: capture.transactionId, value: try capture.encodedJSON(), headers: headers)
            try await harness.results.waitFor(count: 3, timeout: .seconds(30))
            let records = harness.results.records
            #expect(records[2].value == records[1].value)
        }
    }
}
