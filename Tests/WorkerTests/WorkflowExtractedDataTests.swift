import Foundation
import Hummingbird
import Synchronization
import Testing
import Verification
import VlensSimulator

/// An ID side always asks Vlens for the extracted data (Vlens's transaction id is part of it); a
/// liveness or link sends the capture's `getExtractedData` (the simulator's ledger records what was
/// sent), and only a capture that asked for it gets `extractedData` in its result.
@Suite("Workflow: getExtractedData reaches Vlens", .timeLimit(.minutes(3)))
struct WorkflowExtractedDataTests {
    @Test("a front with getExtractedData false still asks Vlens (its transaction id is in the extracted data) but its result carries none; true gets it")
    func getExtractedDataReachesVlens() async throws {
        try await InProcessHarness.run(environment: ["INCLUDE_EXTRACTED_DATA": "true"]) { harness in
            var without = CaptureFactory().front()
            without.getExtractedData = false
            var with = CaptureFactory().front()
            with.getExtractedData = true
            #expect(without.transactionId != with.transactionId)
            try await harness.submit(without)
            try await harness.submit(with)

            let withoutResult = try await harness.result(of: without.eventId)
            let withResult = try await harness.result(of: with.eventId)
            #expect(withoutResult.outcome == .succeeded)
            #expect(withResult.outcome == .succeeded)

            let calls = harness.simulator.ledger().calls
            let withoutCalls = calls.filter { $0.requestId == without.eventId }
            let withCalls = calls.filter { $0.requestId == with.eventId }
            #expect(withoutCalls.count == 1 && withCalls.count == 1)
            #expect(withoutCalls.map(\.getExtractedData) == [true])
            #expect(withCalls.map(\.getExtractedData) == [true])

            #expect(withoutResult.extractedData == nil)
            #expect(withResult.extractedData != nil)
        }
    }

    @Test("a ledger written before get_extracted_data existed still decodes (the field is nil)")
    func oldLedgerDecodes() throws {
        let old = #"{"sequence":1,"step":"id_front","request_id":"r","outcome":"ok","status":200,"had_bearer":false,"reply_lost":false}"#
        let call = try JSONDecoder().decode(SimulatorLedger.Call.self, from: Data(old.utf8))
        #expect(call.getExtractedData == nil && call.requestId == "r")
        let new = #"{"sequence":2,"step":"id_back","outcome":"ok","status":200,"had_bearer":true,"reply_lost":false,"get_extracted_data":false}"#
        let decoded = try JSONDecoder().decode(SimulatorLedger.Call.self, from: Data(new.utf8))
        #expect(decoded.getExtractedData == false)
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(decoded)) as? [String: Any]
        #expect(encoded?["get_extracted_data"] as? Bool == false)
        let absent = try JSONSerialization.jsonObject(with: JSONEncoder().encode(call)) as? [String: Any]
        #expect(absent?["get_extracted_data"] == nil)
    }
}

/// A first ID side that Vlens accepts without any transaction id cannot be joined by the other
/// steps: it fails (`vlens_error`, dead-lettered) instead of passing, and is not sent again, since
/// Vlens processed it and a second call would open a second transaction.
@Suite("Workflow: an ID side answered without a transaction id", .timeLimit(.minutes(2)))
struct WorkflowMissingTransactionIDTests {
    @Test("a front answered 200 with no transaction id fails as vlens_error after one call")
    func frontWithoutTransactionID() async throws {
        let calls = Mutex(0)
        let router = Router()
        router.post("/api/DigitalIdentity/verify/id/front") { _, _ -> Response in
            calls.withLock { $0 += 1 }
            let body = #"{"data": {"isVerificationProcessCompleted": false}, "services": {"spoofing": {"fake": false}}, "error_code": null}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        try await LocalHTTPServer.withRunning(router) { port in
            try await InProcessHarness.run(environment: ["VLENS_BASE_URL": "http://127.0.0.1:\(port)"]) { harness in
                let capture = CaptureFactory().front()
                try await harness.submit(capture)
                let result = try await harness.result(of: capture.eventId)
                #expect(result.outcome == .failed)
                #expect(result.error?.code == .vlensError)
                #expect(result.verdict.reason == .vlensError)
                try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(30))
                #expect(calls.withLock { $0 } == 1)
            }
        }
    }
}
