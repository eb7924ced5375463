import ArgumentParser
import Foundation
import Kafka
import Logging
import Verification

/// `vlens-worker submit`: publishes one capture-submitted event built from image files, for
/// manual testing and the demo. The user token, if any, is read from a file, not a flag.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Publish a capture-submitted event built from image files."
    )

    @Option(help: "The platform's transaction id (the Kafka key).")
    var transaction: String

    @Option(help: "id_front, id_back, liveness or link.")
    var step: String

    @Option(name: .customLong("image"), help: "Image file(s): id_front/id_back take one; liveness takes the ID front then three faces.")
    var images: [String] = []

    @Option(help: "A file holding the user's Vlens access token; omit for an API-key-only capture.")
    var userTokenFile: String?

    @Option(help: "The Vlens transaction id (required for link).")
    var vlensTransactionId: String?

    @Option(help: "The tenant (omit for the default tenant).")
    var tenant: String?

    @Option(help: "The event id (default: a new UUID).")
    var eventId: String?

    @Flag(help: "Ask Vlens for the OCR'd data.")
    var extractedData = false

    func run() async throws {
        guard let step = CaptureStep(rawValue: step) else {
            throw ValidationError("--step must be one of id_front, id_back, liveness, link")
        }
        let environment = try ToolEnvironment.load()
        let encoded = try images.map { path -> ImageReference in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the image file \(path)")
            }
            return .inline(base64: data.base64EncodedString())
        }
        var captureImages = CaptureSubmitted.Images()
        switch step {
        case .idFront: captureImages.idFront = encoded.first
        case .idBack: captureImages.idBack = encoded.first
        case .liveness:
            captureImages.idFront = encoded.first
            captureImages.faces = encoded.dropFirst().map { CaptureSubmitted.Face(image: $0, capturedAt: Timestamp(Date())) }
        default: break
        }
        let token = try userTokenFile.map { path -> String in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read the token file \(path)") }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let capture = CaptureSubmitted(
            eventId: eventId ?? UUID().uuidString.lowercased(),
            transactionId: transaction,
            step: step,
            submittedAt: Timestamp(Date()),
            tenant: tenant,
            userToken: token,
            vlensTransactionId: vlensTransactionId,
            getExtractedData: extractedData,
            images: captureImages
        )
        let producer = try environment.makeProducer()
        let headers = capture.cloudEventHeaders(source: "/vlens-worker/submit").messageHeaders
        let report = try await producer.send(KafkaOutgoingRecord(
            topic: environment.kafka.captureTopic,
            key: Array(transaction.utf8),
            value: try capture.encodedJSON(),
            headers: headers.map { KafkaHeader(key: $0.name, value: $0.value) }
        ))
        try await producer.flush(timeout: .seconds(10))
        print("submitted \(step) of \(transaction) as event \(capture.eventId) (partition \(report.partition), offset \(report.offset))")
    }
}
