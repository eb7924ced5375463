import TestSupport
import Foundation
import Testing
import Verification

@Suite("Every example decodes and re-encodes without loss")
struct ExampleRoundTripTests {
    /// Decodes `bytes` as `T`, re-encodes it, and compares both as JSON values.
    func roundTrip<T: ContractEvent>(_: T.Type, _ file: URL) throws -> T {
        let original = try Data(contentsOf: file)
        let event = try T.decode(original)
        let reencoded = try event.encodedJSON()
        let before = try JSONDecoder().decode(JSONValue.self, from: original)
        let after = try JSONDecoder().decode(JSONValue.self, from: Data(reencoded))
        #expect(before == after, "\(file.lastPathComponent) changed in a round trip")
        return event
    }

    @Test("capture-submitted examples", arguments: try ContractFiles.examples("capture-submitted"))
    func captures(file: URL) throws {
        let capture = try roundTrip(CaptureSubmitted.self, file)
        #expect(!capture.eventId.isEmpty)
    }

    @Test(
        "verification-result examples, with result ids derived from their causation ids",
        arguments: try ContractFiles.examples("verification-result"))
    func results(file: URL) throws {
        let result = try roundTrip(VerificationResult.self, file)
        #expect(result.eventId == VerificationResult.eventID(forCapture: result.causationId))
    }

    @Test("dead-letter-record examples", arguments: try ContractFiles.examples("dead-letter-record"))
    func deadLetters(file: URL) throws {
        let record = try roundTrip(DeadLetterRecord.self, file)
        #expect(!record.reason.code.isEmpty)
    }

    @Test("there is an example for every step and every outcome")
    func coverage() throws {
        let captures = try ContractFiles.examples("capture-submitted").map {
            try CaptureSubmitted.decode(Data(contentsOf: $0))
        }
        #expect(Set(captures.map(\.step)) == Set(CaptureStep.allCases))
        #expect(captures.contains { $0.images.faces?.first?.image.claimCheck != nil })
        #expect(captures.contains { $0.images.idFront?.inlineBase64 != nil })
        #expect(captures.contains { $0.userToken == nil })
        let results = try ContractFiles.examples("verification-result").map {
            try VerificationResult.decode(Data(contentsOf: $0))
        }
        #expect(Set(results.map(\.outcome.rawValue)) == ["succeeded", "rejected", "failed", "invalid"])
        #expect(Set(results.compactMap(\.step)) == Set(CaptureStep.allCases))
        #expect(Set(results.map(\.verdict.status)) == Set(VerdictStatus.allCases))
        #expect(results.contains { $0.isFinal && $0.verdict.status == .verified })
        #expect(results.contains { $0.isFinal && $0.verdict.status == .notVerified })
        #expect(results.contains { !$0.isFinal && $0.verdict.reason == .userNotLinked })
    }

    @Test("the capture example's inline image stays the base64 text it was sent as")
    func inlineImagesStayText() throws {
        let file = try ContractFiles.examples("capture-submitted").first { $0.lastPathComponent == "id-front.json" }!
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: file))
        let capture = try CaptureSubmitted.decode(Data(contentsOf: file))
        #expect(capture.images.idFront?.inlineBase64 == json["images"]?["idFront"]?["base64"]?.stringValue)
    }
}
