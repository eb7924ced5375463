import Foundation
import Testing
import Verification

@Suite("Decoding is tolerant of unknown fields, strict on required ones, and never echoes values")
struct ContractDecodingTests {
    static let secretToken = "SECRET-token-value"
    static let secretImage = "U0VDUkVULWltYWdl"

    /// A valid id_front capture as a JSON object, to mutate.
    static func capture() -> [String: JSONValue] {
        [
            "eventId": .string("e-1"), "transactionId": .string("tx-1"), "step": .string("id_front"),
            "submittedAt": .string("2026-11-27T09:15:02.120Z"), "getExtractedData": .bool(false),
            "userToken": .string(secretToken),
            "images": .object(["idFront": .object(["base64": .string(secretImage)])]),
        ]
    }

    func decode(_ object: [String: JSONValue]) throws(ContractError) -> CaptureSubmitted {
        try CaptureSubmitted.decode(try! JSONEncoder().encode(JSONValue.object(object)))
    }

    func failure(_ object: [String: JSONValue]) -> ContractError? {
        do throws(ContractError) {
            _ = try decode(object)
            return nil
        } catch {
            #expect(!error.message.contains(Self.secretToken) && !error.message.contains(Self.secretImage))
            return error
        }
    }

    @Test("a valid capture decodes, and unknown fields anywhere are ignored")
    func unknownFieldsIgnored() throws {
        var object = Self.capture()
        object["futureField"] = .object(["nested": .int(1)])
        object["images"] = .object([
            "idFront": .object(["base64": .string(Self.secretImage), "mediaType": .string("image/jpeg")]),
            "extra": .null,
        ])
        let capture = try decode(object)
        #expect(capture.step == .idFront)
        #expect(capture.images.idFront?.inlineBase64 == Self.secretImage)
        #expect(!String(describing: capture).contains(Self.secretToken))
        #expect(!String(describing: capture.images.idFront!).contains(Self.secretImage))
    }

    @Test(
        "each missing required field is named",
        arguments: ["eventId", "transactionId", "step", "submittedAt", "getExtractedData"])
    func missingField(name: String) {
        var object = Self.capture()
        object[name] = nil
        let error = failure(object)
        #expect(error?.code == .missingField)
        #expect(error?.field == name)
        #expect(error?.deadLetterReason == "schema_invalid")
    }

    @Test("a wrong type is named")
    func wrongType() {
        var object = Self.capture()
        object["getExtractedData"] = .string("yes")
        let error = failure(object)
        #expect(error?.code == .wrongType)
        #expect(error?.field == "getExtractedData")
    }

    @Test("an unknown step is named with the allowed steps, not the value")
    func unknownStep() {
        var object = Self.capture()
        object["step"] = .string("selfie-\(Self.secretToken)")
        let error = failure(object)
        #expect(error?.code == .invalidValue)
        #expect(error?.field == "step")
        #expect(error?.message == "field step: unknown value (expected id_front, id_back, liveness or link)")
    }

    @Test("a step without the images it needs names the missing image")
    func missingImages() {
        var object = Self.capture()
        object["step"] = .string("liveness")
        #expect(failure(object)?.field == "images.faces")
        object["images"] = nil
        #expect(failure(object)?.field == "images.idFront")
        object["step"] = .string("id_back")
        #expect(failure(object)?.field == "images.idBack")
        object["step"] = .string("link")
        #expect(failure(object) == nil, "a link needs no images and no vlensTransactionId")
        object["userToken"] = nil
        #expect(failure(object)?.field == "userToken")
    }

    @Test("a user token that no HTTP header can carry (a line break, a space, a NUL, non-ASCII) is named, not sent", arguments: ["tok\n", "tok en", "tok\u{0}", "tokén"])
    func unsendableToken(token: String) {
        var object = Self.capture()
        object["userToken"] = .string(Self.secretToken + token)
        let error = failure(object)
        #expect(error?.field == "userToken")
        #expect(error?.code == .invalidValue)
    }

    @Test("invalid base64, two image forms, bad claim checks and a wrong face count are named")
    func badImages() {
        var object = Self.capture()
        object["images"] = .object(["idFront": .object(["base64": .string("not base64!")])])
        #expect(failure(object)?.field == "images.idFront.base64")
        object["images"] = .object([
            "idFront": .object(["base64": .string("QUJD"), "url": .string("https://x.example/a")])
        ])
        #expect(failure(object)?.field == "images.idFront")
        object["images"] = .object([
            "idFront": .object([
                "url": .string("ftp://x.example/a"), "sha256": .string(String(repeating: "a", count: 64)),
                "sizeBytes": .int(5),
            ])
        ])
        #expect(failure(object)?.field == "images.idFront.url")
        object["images"] = .object([
            "idFront": .object(["url": .string("https://x.example/a"), "sha256": .string("ABC"), "sizeBytes": .int(5)])
        ])
        #expect(failure(object)?.field == "images.idFront.sha256")
        object["images"] = .object([
            "idFront": .object([
                "url": .string("https://x.example/a"), "sha256": .string(String(repeating: "a", count: 64)),
            ])
        ])
        #expect(failure(object)?.field == "images.idFront.sizeBytes")
        object["step"] = .string("liveness")
        let face = JSONValue.object(["image": .object(["base64": .string("QUJD")])])
        object["images"] = .object(["idFront": .object(["base64": .string("QUJD")]), "faces": .array([face, face])])
        #expect(failure(object)?.field == "images.faces")
        object["images"] = .object([
            "idFront": .object(["base64": .string("QUJD")]),
            "faces": .array([face, face, .object(["image": .object(["base64": .string("QU")])])]),
        ])
        #expect(failure(object)?.field == "images.faces[2].image.base64")
    }

    @Test("identifiers, timestamps and tenants follow the schema's rules")
    func valueRules() {
        var object = Self.capture()
        object["eventId"] = .string("has space")
        #expect(failure(object)?.field == "eventId")
        object = Self.capture()
        object["submittedAt"] = .string("27/11/2026")
        #expect(failure(object)?.field == "submittedAt")
        object = Self.capture()
        object["tenant"] = .string("acme/finance")
        #expect(failure(object)?.field == "tenant")
    }

    @Test("bytes that are not JSON, or not an object, are malformed")
    func malformed() {
        for bytes in ["{\"eventId\": ", "", "[1,2]"] {
            #expect(throws: ContractError.self) { try CaptureSubmitted.decode(Array(bytes.utf8)) }
        }
        do throws(ContractError) {
            _ = try CaptureSubmitted.decode(Array("{\"eventId\": ".utf8))
        } catch {
            #expect(error.code == .malformedJSON)
            #expect(error.deadLetterReason == "malformed_json")
        }
    }

    @Test("a large integer where a boolean belongs is named without echoing the number")
    func numbersAreNotEchoed() {
        var object = Self.capture()
        object["getExtractedData"] = .int(98_765_432_123_456_789)
        let error = failure(object)
        #expect(error?.field == "getExtractedData")
        #expect(error.map { !$0.message.contains("9876543") } == true)
    }

    @Test("timestamps keep their text and parse offsets")
    func timestamps() throws {
        let utc = try #require(Timestamp(rfc3339: "2026-11-27T08:09:47.5Z"))
        let cairo = try #require(Timestamp(rfc3339: "2026-11-27T10:09:47.500+02:00"))
        #expect(utc.date == cairo.date)
        #expect(cairo.text == "2026-11-27T10:09:47.500+02:00")
        #expect(Timestamp(rfc3339: "2026-02-30T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "2026-11-27 10:09:47Z") == nil)
        #expect(Timestamp(cairo.date).text == "2026-11-27T08:09:47.500Z")
    }
}
