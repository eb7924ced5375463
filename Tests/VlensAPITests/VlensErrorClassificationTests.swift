import Foundation
import NIOCore
import Testing

@testable import VlensAPI

@Suite("Vlens error classification")
struct VlensErrorClassificationTests {
    private func response(_ json: String) throws -> VlensStepResponse {
        try JSONDecoder().decode(VlensStepResponse.self, from: Data(json.utf8))
    }

    @Test("the envelope decides first: a known error_code is a rejection even on 200 or 500")
    func envelopeFirst() throws {
        let quality = try response(#"{"data":null,"error_code":1050,"error_message":"Image quality too low"}"#)
        #expect(VlensError.classify(step: .idFront, status: 200, retryAfterHeader: nil, response: quality)?.code == .imageQuality)
        let expired = try response(#"{"data":null,"error_code":"3010"}"#)
        #expect(VlensError.classify(step: .idBack, status: 500, retryAfterHeader: nil, response: expired)?.code == .expiredID)
        let unknown = try response(#"{"data":{},"error_code":9999}"#)
        #expect(VlensError.classify(step: .idBack, status: 200, retryAfterHeader: nil, response: unknown)?.code == .vlensOther)
        #expect(VlensError.classify(step: .idBack, status: 503, retryAfterHeader: nil, response: unknown)?.code == .http503)
        let limited = VlensError.classify(step: .idFront, status: 429, retryAfterHeader: "2", response: quality)
        #expect(limited?.code == .rateLimited && limited?.category == .retryable, "a 429 is the rate limit, whatever code its body carries")
        for value in [#""E1050""#, "true", #"{"code":1}"#] {
            let unreadable = try response(#"{"data":{"idFrontData":{"transaction_id":"t"}},"error_code":\#(value)}"#)
            #expect(VlensError.classify(step: .idFront, status: 200, retryAfterHeader: nil, response: unreadable)?.code == .vlensOther, "error_code \(value) is set")
        }
        for value in ["null", #""""#] {
            let unset = try response(#"{"data":{"idFrontData":{"transaction_id":"t"}},"error_code":\#(value)}"#)
            #expect(VlensError.classify(step: .idFront, status: 200, retryAfterHeader: nil, response: unset) == nil, "error_code \(value) is not set")
        }
        for (code, expected) in [(3001, VlensError.Code.validation), (3008, .dateFormat), (3013, .invalidMRZ), (3102, .nameMismatch)] {
            let r = try response(#"{"error_code":\#(code)}"#)
            #expect(VlensError.classify(step: .idBack, status: 422, retryAfterHeader: nil, response: r)?.code == expected)
        }
    }

    @Test("statuses classify as credentials, invalid request, retryable; a success with no error is nil")
    func statuses() throws {
        let ok = try response(#"{"data":{"idFrontData":{"transaction_id":"t"}},"error_code":null}"#)
        #expect(VlensError.classify(step: .idFront, status: 200, retryAfterHeader: nil, response: ok) == nil)
        #expect(VlensError.classify(step: .idFront, status: 200, retryAfterHeader: nil, response: nil)?.code == .decoding)
        let expectations: [(Int, VlensError.Code, VlensError.Category)] = [
            (401, .unauthorized, .credentials), (403, .forbidden, .credentials), (400, .badRequest, .invalidRequest),
            (415, .unsupportedMediaType, .invalidRequest), (409, .http4xx, .invalidRequest), (502, .http502, .retryable),
            (504, .http504, .retryable), (599, .http5xx, .retryable), (429, .rateLimited, .retryable),
        ]
        for (status, code, category) in expectations {
            let error = VlensError.classify(step: .idFront, status: status, retryAfterHeader: nil, response: nil)
            #expect(error?.code == code && error?.category == category, "status \(status)")
        }
    }

    @Test("Retry-After is read as seconds or as an HTTP date")
    func retryAfter() {
        #expect(VlensError.parseRetryAfter("5") == .seconds(5))
        #expect(VlensError.parseRetryAfter("1.5") == .milliseconds(1500))
        #expect(VlensError.parseRetryAfter(nil) == nil && VlensError.parseRetryAfter("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let later = VlensError.parseRetryAfter("Tue, 14 Nov 2023 22:13:40 GMT", now: now)
        #expect(later == .seconds(20))
    }

    @Test("decoding tolerates unknown fields, missing fields and loose types")
    func tolerantDecoding() throws {
        let r = try response(
            #"""
            {"data":{"idFrontData":{"transaction_id":"t1","idNumber":29901011234567,"extra":{"x":1}},
                     "isVerificationProcessCompleted":"true","user":{"idNumber":"29901011234567"}},
             "services":{"spoofing":{"fake":0},"AML":{"AML_matched":false,"data":[{"a":1},{"b":2}]},
                         "Validations":{"validation_errors":[{"field":"idExpiry","errors":[{"code":3010,"message":"m"}]},42]},
                         "SRC":{"isValid":false,"errorCode":12},"unknownService":{}},
             "error_code":null,"somethingNew":true}
            """#)
        #expect(r.transactionId == "t1")
        #expect(r.data.idFrontData?.idNumber == "29901011234567")
        #expect(r.data.isVerificationProcessCompleted == true && r.data.isDigitalIdentityVerified == nil)
        #expect(r.data.userIdNumber == "29901011234567")
        #expect(r.services.isFake == false && r.services.amlMatchCount == 2)
        #expect(r.services.validationErrors.count == 1 && r.services.validationErrors[0].errors.first?.code == 3010)
        #expect(r.services.srcIsValid == false && r.services.srcErrorCode == "12")
        let empty = try response("{}")
        #expect(empty.transactionId == nil && empty.services.liveness == nil)
    }

    @Test("a string Vlens sends over 4 KiB reads as absent: a result carrying it could outgrow its topic")
    func oversizedStrings() throws {
        let long = String(repeating: "x", count: 4097)
        let longest = String(repeating: "y", count: 4096)
        let r = try response(#"{"data":{"idFrontData":{"transaction_id":"\#(long)","first_name":"\#(long)","city":"\#(longest)"}},"services":{"classification":{"doc_type":"\#(long)"}}}"#)
        #expect(r.transactionId == nil, "an over-long transaction id is no transaction id (the step fails as vlens_error after one call)")
        #expect(r.data.idFrontData?.firstName == nil && r.services.documentType == nil)
        #expect(r.data.idFrontData?.city == longest, "4096 bytes are still read")
    }

    @Test("the JSON body writer escapes what must be escaped and passes base64 through")
    func bodyWriter() throws {
        var writer = JSONBodyWriter(capacity: 64)
        writer.field("image", "QUJD+/==")
        writer.field("note", "a\"b\\c\nd\u{01}é")
        writer.field("missing", nil as String?)
        writer.field("getExtractedData", true)
        let buffer = writer.finish()
        let text = String(buffer: buffer)
        #expect(text.hasPrefix(#"{"image":"QUJD+/==","note":"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["note"] as? String == "a\"b\\c\nd\u{01}é")
        #expect(object["getExtractedData"] as? Bool == true && object["missing"] == nil)
    }

    @Test("the JSON body writer finds a character to escape anywhere in a long string")
    func bodyWriterLongStrings() throws {
        let image = String(repeating: "QUJD+/09", count: 8_192)  // 64 KiB: long enough for the vectorised scan
        for position in [0, 31, 64, image.utf8.count / 2, image.utf8.count - 1] {
            for special in ["\"", "\\", "\n"] {
                // Bytes, not Characters: cheaper in a debug build, on a thread the parallel tests share.
                var text = Array(image.utf8)
                text[position] = special.utf8.first!
                let value = String(decoding: text, as: UTF8.self)
                var writer = JSONBodyWriter(capacity: value.utf8.count)
                writer.field("image", value)
                let body = writer.finish()
                let object = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
                #expect(object["image"] as? String == value, "\(special.debugDescription) at \(position)")
            }
        }
    }
}
