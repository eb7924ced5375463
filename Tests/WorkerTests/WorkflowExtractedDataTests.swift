import Foundation
import Testing
import Verification
import VlensSimulator

/// A capture's `getExtractedData` reaches Vlens as the body's `getExtractedData` (the simulator's
/// ledger records it), and only a capture that asked for it gets `extractedData` in its result.
@Suite("Workflow: getExtractedData reaches Vlens", .timeLimit(.minutes(3)))
struct WorkflowExtractedDataTests {
    @Test("a front with getExtractedData false sends false and gets no extractedData; true sends true and gets it")
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
            #expect(withoutCalls.map(\.getExtractedData) == [false])
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
