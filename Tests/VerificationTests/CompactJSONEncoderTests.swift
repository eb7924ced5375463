import Foundation
import Testing
import TestSupport
import Verification

/// The worker's own encoder writes exactly the bytes `JSONEncoder` writes with sorted keys and
/// unescaped slashes, for every contract event and for the awkward values (escapes, numbers,
/// nesting, keys encoded twice).
@Suite("Compact JSON encoder")
struct CompactJSONEncoderTests {
    static func foundation<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func expectSame<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try CompactJSONEncoder().encode(value)
        let theirs = try foundation(value)
        #expect(String(decoding: ours, as: UTF8.self) == String(decoding: theirs, as: UTF8.self), sourceLocation: sourceLocation)
    }

    @Test("every example result, status and capture encodes to JSONEncoder's bytes")
    func contractExamples() throws {
        for url in try ContractFiles.examples("verification-result") {
            try Self.expectSame(try VerificationResult.decode(Array(try Data(contentsOf: url))))
        }
        for url in try ContractFiles.examples("verification-status") {
            try Self.expectSame(try TransactionStatus.decode(Array(try Data(contentsOf: url))))
        }
        for url in try ContractFiles.examples("capture-submitted") {
            try Self.expectSame(try CaptureSubmitted.decode(Array(try Data(contentsOf: url))))
        }
    }

    @Test("strings: quotes, backslashes, every control character, slashes and non-ASCII")
    func strings() throws {
        let controls = String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) })
        for text in ["plain", "quote \" and \\ backslash", controls, "a/b", "عربي 😀", "", "\u{7F}\u{2028}"] {
            try Self.expectSame(["key": text])
            try Self.expectSame([text])
        }
    }

    @Test("values: numbers, booleans, null, nesting, empty containers, a key encoded twice")
    func values() throws {
        let value: JSONValue = .object([
            "int": .int(-42), "max": .int(.max), "half": .double(1.5), "whole": .double(2), "small": .double(1e-7),
            "big": .double(1e300), "yes": .bool(true), "no": .bool(false), "nothing": .null,
            "list": .array([.int(1), .array([]), .object([:]), .string("x")]), "b": .object(["z": .int(1), "a": .int(2)]),
        ])
        try Self.expectSame(value)
        struct Twice: Encodable {
            enum Keys: String, CodingKey { case a }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(1, forKey: .a)
                try c.encode("second", forKey: .a)
            }
        }
        try Self.expectSame(Twice())
        #expect(throws: EncodingError.self) { try CompactJSONEncoder().encode(["nan": Double.nan]) }
    }

    @Test("a transaction's state machine round-trips through it")
    func stateMachine() throws {
        var machine = TransactionStateMachine()
        _ = machine.onCapture(step: .idFront, vlensTransactionId: nil)
        _ = machine.onStepOutcome(.succeeded(vlensTransactionId: "vl-1", verification: nil, registryInvalid: false))
        let bytes = try CompactJSONEncoder().encode(machine)
        #expect(try JSONDecoder().decode(TransactionStateMachine.self, from: Data(bytes)) == machine)
        try Self.expectSame(machine)
    }
}
