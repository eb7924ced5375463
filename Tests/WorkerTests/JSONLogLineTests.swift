import Foundation
import Logging
import Testing
@testable import Worker
import Observability

@Suite("JSON log lines")
struct JSONLogLineTests {
    @Test("a line is one JSON object with sorted keys, nested metadata and escaped strings, then a newline")
    func line() throws {
        let tricky = "quote \" backslash \\ slash / newline \n tab \t bell \u{07} é 😀"
        let line = JSONLogLine([
            ("msg", .string(tricky)),
            ("attempts", .stringConvertible(3)),
            ("ts", .string("2026-11-30T16:03:35.123Z")),
            ("nested", .dictionary(["b": .array([.string("x"), .string("y")]), "a": .string("z")])),
        ]).bytes
        #expect(line.last == UInt8(ascii: "\n"))
        let text = String(decoding: line.dropLast(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"attempts":"3","msg":"#))
        #expect(text.hasSuffix(#""nested":{"a":"z","b":["x","y"]},"ts":"2026-11-30T16:03:35.123Z"}"#))
        #expect(text.contains(#"slash / newline \n tab \t bell \u0007 é 😀"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        #expect(object["msg"] as? String == tricky)
        #expect((object["nested"] as? [String: Any])?["b"] as? [String] == ["x", "y"])
    }
}
