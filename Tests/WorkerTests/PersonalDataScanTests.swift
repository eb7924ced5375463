import Foundation
import Testing
import Verification

/// The privacy scan can fail: a planted leak of each kind is found, a clean log is not flagged.
/// The OCR'd values come from the produced example `id-front-succeeded.json` (GoldenExamplesTests).
@Suite("Privacy scan of worker logs")
struct PersonalDataScanTests {
    static func scan() throws -> (PersonalDataScan, CaptureSubmitted) {
        let capture = CaptureFactory().front()
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("schemas/examples/verification-result/id-front-succeeded.json")
        let result = try VerificationResult.decode(Array(try Data(contentsOf: example)))
        return (PersonalDataScan(captures: [capture], results: [result], tokens: ["user-token-alice", "e2e-api-key"]), capture)
    }

    static func line(_ message: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: ["ts": "2026-11-30T08:00:00Z", "level": "info", "msg": message])
        return String(decoding: data, as: UTF8.self)
    }

    @Test("a clean log has no findings")
    func cleanLog() throws {
        let (scan, capture) = try Self.scan()
        #expect(scan.findings(in: [Self.line("capture resolved"), Self.line("event \(capture.eventId) of \(capture.transactionId)")].joined(separator: "\n")).isEmpty)
    }

    @Test("planted leaks are found: an image fragment cut anywhere, an OCR field, a national ID, a token, an API key, a non-JSON line")
    func plantedLeaks() throws {
        let (scan, capture) = try Self.scan()
        let image = try #require(capture.images.idFront?.inlineBase64)
        let middle = image.index(image.startIndex, offsetBy: image.count / 2 + 7)  // not on a window boundary
        let fragment = String(image[middle...].prefix(48))
        let leaks = [
            "image fragment": Self.line("body starts \(fragment) and goes on"),
            "OCR field": Self.line("district حي السلام"),
            "national ID": Self.line("id 29703021567060"),
            "token": Self.line("token user-token-alice"),
            "API key": Self.line("key e2e-api-key"),
            "not JSON": "plain text line",
        ]
        for (kind, leak) in leaks {
            #expect(!scan.findings(in: leak).isEmpty, "\(kind) not found")
        }
        #expect(scan.findings(in: Self.line(String(fragment.prefix(30)))).isEmpty, "30 characters are below the fragment length")
    }
}
