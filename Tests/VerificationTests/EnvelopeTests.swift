import Foundation
import Testing
import Verification

@Suite("CloudEvents headers, envelopes and dead-letter records")
struct EnvelopeTests {
    static let capture = TransactionFlow.capture(.idFront, tx: "tx-1", n: 1)
    static let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test("capture headers follow the CloudEvents Kafka binding and parse back")
    func captureHeaders() throws {
        let headers = Self.capture.cloudEventHeaders(source: "/onboarding-app", traceparent: Self.traceparent)
        let kafka = headers.messageHeaders
        #expect(
            kafka.map(\.name) == [
                "ce_id", "ce_type", "ce_source", "ce_specversion", "ce_subject", "ce_time", "content-type",
                "traceparent",
            ])
        #expect(kafka.text("ce_id") == Self.capture.eventId)
        #expect(kafka.text("ce_subject") == Self.capture.transactionId)
        #expect(kafka.text("ce_type") == "identity.capture-submitted.v1")
        #expect(kafka.text("ce_specversion") == "1.0")
        #expect(kafka.text("ce_time") == Self.capture.submittedAt.text)
        #expect(kafka.text("content-type") == "application/json")
        #expect(try CloudEventHeaders(parsing: kafka) == headers)
    }

    @Test("a result's headers carry its id, the transaction and the capture's trace context")
    func resultHeaders() throws {
        let flow = try TransactionFlow.run()
        let result = flow.results[0]
        let headers = result.cloudEventHeaders(traceparent: Self.traceparent, tracestate: "vendor=1").messageHeaders
        #expect(headers.text("ce_id") == result.eventId)
        #expect(headers.text("ce_type") == "identity.verification-result.v2")
        #expect(headers.text("ce_source") == "/vlens-worker")
        #expect(headers.text("ce_subject") == result.transactionId)
        #expect(headers.text("ce_time") == result.timings.completedAt.text)
        #expect(headers.text("traceparent") == Self.traceparent)
        #expect(headers.text("tracestate") == "vendor=1")
    }

    @Test(
        "missing or malformed required headers are named",
        arguments: ["ce_id", "ce_type", "ce_source", "ce_specversion", "ce_subject", "ce_time", "content-type"])
    func missingHeader(name: String) {
        let all = Self.capture.cloudEventHeaders(source: "/app").messageHeaders
        #expect(throws: ContractError(code: .missingHeader, field: name, message: "header \(name): missing (required)"))
        {
            try CloudEventHeaders(parsing: all.filter { $0.name != name })
        }
        let broken = all.map { $0.name == name ? MessageHeader(name: name, value: [0xFF, 0xFE]) : $0 }
        #expect(throws: ContractError.self) { try CloudEventHeaders(parsing: broken) }
    }

    @Test("the envelope check: key equals transactionId and present ce headers agree with the payload")
    func envelope() throws {
        let capture = Self.capture
        let headers = capture.cloudEventHeaders(source: "/app").messageHeaders
        try capture.checkEnvelope(key: Array(capture.transactionId.utf8), headers: headers)
        try capture.checkEnvelope(key: Array(capture.transactionId.utf8), headers: [])
        func field(_ key: [UInt8]?, _ headers: [MessageHeader]) -> String? {
            do throws(ContractError) {
                try capture.checkEnvelope(key: key, headers: headers)
                return nil
            } catch {
                return error.field
            }
        }
        #expect(field(nil, headers) == "key")
        #expect(field(Array("tx-other".utf8), headers) == "key")
        #expect(field(Array(capture.transactionId.utf8), [MessageHeader(name: "ce_id", text: "other")]) == "ce_id")
        #expect(
            field(Array(capture.transactionId.utf8), [MessageHeader(name: "ce_subject", text: "other")]) == "ce_subject"
        )
        #expect(field(Array(capture.transactionId.utf8), [MessageHeader(name: "ce_type", text: "other")]) == "ce_type")
    }

    @Test("a dead-letter record keeps the original bytes and headers and adds the reason headers; it reads back")
    func deadLetter() throws {
        let value = Array(#"{"eventId":"e-1","transactionId":"tx-1","step":"selfie"}"#.utf8)
        let original = [
            MessageHeader(name: "ce_id", text: "e-1"), MessageHeader(name: "traceparent", text: Self.traceparent),
        ]
        let record = DeadLetterRecord(
            reason: .init(code: "schema_invalid", message: "field step: unknown value", field: "step"),
            source: .init(topic: "identity.capture-submitted.v1", partition: 4, offset: 1234),
            failedAt: Timestamp(Date(timeIntervalSince1970: 1_800_000_000)), attempts: 0,
            key: Array("tx-1".utf8), value: value, headers: original
        )
        let kafka = record.kafkaHeaders
        #expect(Array(kafka.prefix(2)) == original)
        #expect(kafka.text("dlq_reason") == "schema_invalid")
        #expect(kafka.text("dlq_field") == "step")
        #expect(kafka.text("dlq_source_partition") == "4")
        #expect(kafka.text("dlq_source_offset") == "1234")
        #expect(kafka.text("dlq_attempts") == "0")
        let back = try DeadLetterRecord(key: record.key, value: value, kafkaHeaders: kafka)
        #expect(back == record)
        let again = DeadLetterRecord(
            reason: .init(code: "oversized", message: "too big"), source: record.source,
            failedAt: record.failedAt, attempts: 0, key: nil, value: value, headers: kafka)
        #expect(again.kafkaHeaders.filter { $0.name == "dlq_reason" }.map(\.text) == ["oversized"])
    }

    @Test("result ids are name-based UUIDs: stable, distinct per capture, version 5")
    func resultIds() {
        let id = VerificationResult.eventID(forCapture: "0f8c6a3e-1b2d-4c5e-8f90-a1b2c3d4e5f4")
        #expect(id == "06082bc5-2fa5-5580-bc1b-e951d7bdf312")
        #expect(VerificationResult.eventID(forCapture: "a") == VerificationResult.eventID(forCapture: "a"))
        #expect(VerificationResult.eventID(forCapture: "a") != VerificationResult.eventID(forCapture: "b"))
        #expect(Array(id)[14] == "5")
    }
}
