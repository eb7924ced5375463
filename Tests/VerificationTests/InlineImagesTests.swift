import Foundation
import Testing
import TestSupport
import Verification

/// Decoding a capture with its inline images lifted out (``CaptureSubmitted/decodeSharingImages(_:)``)
/// gives exactly what the plain decoder gives, keeps each image as a view of the record's bytes,
/// and fails where the plain decoder fails.
@Suite("Inline images are decoded as views of the record")
struct InlineImagesTests {
    static func examples() throws -> [[UInt8]] {
        try ContractFiles.examples("capture-submitted").map { Array(try Data(contentsOf: $0)) }
    }

    @Test("every capture example decodes the same both ways, in compact, pretty and slash-escaped forms")
    func sameAsPlainDecoding() throws {
        for bytes in try Self.examples() {
            let plain = try CaptureSubmitted.decode(bytes)
            let compact = try plain.encodedJSON()
            let pretty = Array(try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(bytes)), options: [.prettyPrinted]))
            let escaped = Array(String(decoding: compact, as: UTF8.self).replacingOccurrences(of: "/", with: "\\/").utf8)
            for form in [bytes, compact, pretty, escaped] {
                #expect(try CaptureSubmitted.decodeSharingImages(form) == plain)
            }
        }
    }

    @Test("an inline image is a slice of the record's own bytes, not a copy")
    func imagesAreViews() throws {
        let bytes = try #require(try Self.examples().first { String(decoding: $0, as: UTF8.self).contains("\"base64\"") })
        let capture = try CaptureSubmitted.decodeSharingImages(bytes)
        let image = try #require(capture.images.idFront?.inlineBase64Bytes ?? capture.images.idBack?.inlineBase64Bytes)
        #expect(image.startIndex > 0, "a copy would start at 0")
        #expect(Array(bytes[image.indices]) == Array(image))
        bytes.withUnsafeBufferPointer { record in
            image.withUnsafeBufferPointer { view in
                #expect(view.baseAddress == record.baseAddress! + image.startIndex, "the view points into the record")
            }
        }
    }

    @Test("what the plain decoder refuses is refused, naming the same field", arguments: [
        ##"{"eventId":"e-1","transactionId":"tx-1","step":"id_front","submittedAt":"2026-11-30T09:00:00Z","getExtractedData":false,"images":{"idFront":{"base64":"#inline-image-0"}}}"##,
        #"{"eventId":"e-1","transactionId":"tx-1","step":"id_front","submittedAt":"2026-11-30T09:00:00Z","getExtractedData":false,"images":{"idFront":{"base64":"abc"}}}"#,
        #"{"eventId":"e-1","transactionId":"tx-1","step":"id_front","submittedAt":"2026-11-30T09:00:00Z","getExtractedData":false,"images":{"idFront":{"base64":"QUJD\"}}}"#,
        #"{"eventId":"e-1","transactionId":"tx-1","step":"id_front","submittedAt":"2026-11-30T09:00:00Z","getExtractedData":false,"images":{"idFront":{"base64":"QUJD"#,
        #"{"base64":"QUJD","eventId":"e-1"}"#,
        #"not json "base64": "QUJD""#,
        // An escaped placeholder is not lifted: it must not stand for another image of the event.
        #"{"eventId":"e-1","transactionId":"tx-1","step":"liveness","submittedAt":"2026-11-30T09:00:00Z","getExtractedData":false,"images":{"idFront":{"base64":"QUJD"},"faces":[{"image":{"base64":"\u0023inline-image-0"}},{"image":{"base64":"QUJD"}},{"image":{"base64":"QUJD"}}]}}"#,
    ])
    func sameRefusals(text: String) {
        let bytes = Array(text.utf8)
        var plain: ContractError?
        var shared: ContractError?
        do { _ = try CaptureSubmitted.decode(bytes) } catch { plain = error }
        do { _ = try CaptureSubmitted.decodeSharingImages(bytes) } catch { shared = error }
        #expect(plain != nil && shared != nil)
        #expect(plain?.code == shared?.code && plain?.field == shared?.field)
    }

    @Test("a key named base64 inside a string, or an object value, is left alone")
    func onlyStringValuesOfBase64Keys() throws {
        let plain = try CaptureSubmitted.decode(try Self.examples()[0])
        var object = try #require(try JSONSerialization.jsonObject(with: Data(try plain.encodedJSON())) as? [String: Any])
        object["note"] = #"a "base64":"QUJD" inside a string"#
        object["extra"] = ["base64": ["nested": true]]
        let bytes = Array(try JSONSerialization.data(withJSONObject: object))
        #expect(try CaptureSubmitted.decodeSharingImages(bytes) == plain)
    }
}
