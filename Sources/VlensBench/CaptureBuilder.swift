import Foundation
import Kafka
import Verification

/// Builds the capture records of the load: ID front, ID back, and liveness (the ID front plus the
/// three selfies the contract allows: four images), inline or as claim checks.
struct CaptureBuilder: Sendable {
    /// A capture ready to send, with what the driver needs to match its result.
    struct Built: Sendable {
        var record: KafkaOutgoingRecord
        var eventId: String
        var submittedAt: Date
    }

    let images: BenchImages
    /// The claim-check reference of each image (by its base64); `nil` sends images inline.
    let claimChecks: [String: ClaimCheckImage]?
    let topic: String

    func build(transactionId: String, step: CaptureStep, person: Int) throws -> Built {
        let set = images.people[person % images.people.count]
        let sources: [String]
        switch step {
        case .idFront: sources = [set.front]
        case .idBack: sources = [set.back]
        default: sources = [set.front] + set.faces
        }
        let references = sources.enumerated().map { index, base64 -> ImageReference in
            guard let claim = claimChecks?[base64] else { return .inline(base64: CaptureEncoder.placeholder(index)) }
            return .claimCheck(.init(url: claim.url, sha256: claim.sha256, sizeBytes: claim.sizeBytes))
        }
        let now = Date()
        var captureImages = CaptureSubmitted.Images()
        switch step {
        case .idFront: captureImages.idFront = references[0]
        case .idBack: captureImages.idBack = references[0]
        default:
            captureImages.idFront = references[0]
            captureImages.faces = references.dropFirst().enumerated().map { index, reference in
                CaptureSubmitted.Face(image: reference, capturedAt: Timestamp(now.addingTimeInterval(Double(index) * 0.1)))
            }
        }
        let capture = CaptureSubmitted(
            eventId: UUID().uuidString.lowercased(), transactionId: transactionId, step: step,
            submittedAt: Timestamp(now), images: captureImages)
        let value = claimChecks == nil ? try CaptureEncoder.encode(capture, images: sources) : try capture.encodedJSON()
        let headers = capture.cloudEventHeaders(source: "/vlens-bench").messageHeaders
        let record = KafkaOutgoingRecord(
            topic: topic, key: Array(transactionId.utf8), value: value,
            headers: headers.map { KafkaHeader(key: $0.name, value: $0.value) })
        return Built(record: record, eventId: capture.eventId, submittedAt: now)
    }
}
