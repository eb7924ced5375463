import Foundation
import Testing
import Verification

@Suite("Inline image base64 syntax")
struct Base64SyntaxTests {
    private func accepts(_ base64: String) -> Bool {
        let json = Data(#"{"base64":"\#(base64)"}"#.utf8)
        return (try? JSONDecoder().decode(ImageReference.self, from: json)) != nil
    }

    @Test("standard padded base64 is accepted", arguments: ["QUJD", "QUI=", "QQ==", "+/+/", "AAAAQUI="])
    func valid(_ base64: String) {
        #expect(accepts(base64))
    }

    @Test(
        "bad length, misplaced or excess padding, other alphabets and stray bytes are refused",
        arguments: ["", "QUJ", "QUJDQ", "QU=D", "Q===", "====", "=QUJ", "QU-_", "QU D", "QUé", "QUJD\\n", "QUJ\\u0000"])
    func invalid(_ base64: String) {
        #expect(!accepts(base64))
    }

    @Test("a megabyte image is checked to its last byte")
    func longImages() {
        let image = Data((0..<786_432).map { UInt8(truncatingIfNeeded: $0 &* 31) }).base64EncodedString()
        #expect(accepts(image))
        for position in [0, 1, 17, image.utf8.count / 2, image.utf8.count - 3] {
            var bytes = Array(image.utf8)
            bytes[position] = UInt8(ascii: "-")
            #expect(!accepts(String(decoding: bytes, as: UTF8.self)), "a bad byte at \(position)")
        }
    }
}
