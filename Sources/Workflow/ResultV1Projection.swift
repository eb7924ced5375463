import Foundation
import Verification

/// The deprecated `verification-result` v1 form of a v2 result, for consumers that have not moved
/// (published to `RESULT_V1_TOPIC` when it is set).
///
/// It is a pure function of the stored v2 bytes, so a re-published result re-publishes the same v1
/// bytes. v1 knows no `sequence`, `verdict`, `userLinked`, `stepsCompleted`, AML count, SRC code
/// or `extractedData.user`; its `final` is also true for a failed transaction, as v1 documented
/// (and, as in v1, a redriven failed transaction may later say false again). v1 consumers act on
/// `final` and `verification.identityVerified`, so a transaction v2 calls `not_verified` although
/// Vlens said verified (an AML match, a failed registry check) says `identityVerified: false`.
package enum ResultV1Projection {
    /// `ce_type` of v1 results.
    package static let type = "identity.verification-result.v1"

    package static func bytes(ofV2 bytes: [UInt8]) throws -> [UInt8] {
        guard var object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw WorkerError(code: "result_not_an_object", message: "a stored result is not a JSON object")
        }
        let verdict = object["verdict"] as? [String: Any]
        if verdict?["status"] as? String == VerdictStatus.failed.rawValue { object["final"] = true }
        if verdict?["status"] as? String == VerdictStatus.notVerified.rawValue, var verification = object["verification"] as? [String: Any] {
            verification["identityVerified"] = false
            object["verification"] = verification
        }
        for key in ["sequence", "verdict", "userLinked", "stepsCompleted"] { object[key] = nil }
        if var services = object["services"] as? [String: Any] {
            services["amlMatchCount"] = nil
            services["srcErrorCode"] = nil
            object["services"] = services
        }
        if var extracted = object["extractedData"] as? [String: Any] {
            extracted["user"] = nil
            object["extractedData"] = extracted.isEmpty ? nil : extracted
        }
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
