import Crypto
import Foundation

extension VerificationResult {
    /// The namespace of result ids: a fixed UUID, part of the v1 contract.
    public static let eventIDNamespace = UUID(uuidString: "0b6f3f5e-2c1d-5a8e-9c47-6f1e2d3c4b5a")!

    /// The result eventId for a capture: the name-based UUID (RFC 9562 version 5, SHA-1) of
    /// `"verification-result:" + captureEventId` in ``eventIDNamespace``, lower-case.
    ///
    /// The same capture always gets the same result id, in any language
    /// (Python: `uuid.uuid5(namespace, "verification-result:" + capture_event_id)`).
    public static func eventID(forCapture captureEventId: String) -> String {
        nameBasedID("verification-result:\(captureEventId)")
    }

    /// The result eventId of a `failed` capture that was redriven from the dead-letter topic and
    /// attempted again: the name is `"verification-result:" + captureEventId + "#redrive:" +
    /// deadLetter`, where `deadLetter` is the dead letter's `topic/partition/offset`. The new
    /// result thus differs from the failed one, and redriving the same dead letter twice gives
    /// the same id.
    public static func eventID(forCapture captureEventId: String, redrivenFrom deadLetter: String) -> String {
        nameBasedID("verification-result:\(captureEventId)#redrive:\(deadLetter)")
    }

    private static func nameBasedID(_ name: String) -> String {
        var hasher = Insecure.SHA1()
        withUnsafeBytes(of: eventIDNamespace.uuid) { hasher.update(bufferPointer: $0) }
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let uuid = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
        return uuid.uuidString.lowercased()
    }
}
