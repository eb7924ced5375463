import Foundation
import Verification

/// The inputs of the micro-benchmarks: a liveness capture with four inline images of 512 KiB of
/// base64 each (2 MiB in all, 1.5 MiB decoded), and a verification result.
enum Fixtures {
    /// Base64 characters per image: `MICRO_IMAGE_BASE64_BYTES` (a multiple of 4), default 512 KiB.
    static let imageCharacters: Int = {
        let requested = ProcessInfo.processInfo.environment["MICRO_IMAGE_BASE64_BYTES"].flatMap(Int.init) ?? 512 * 1024
        return max(4, requested / 4 * 4)
    }()

    /// The ID front and the three selfies, base64 of random bytes.
    static let images: [String] = (0..<4).map { _ in
        Data((0..<(imageCharacters / 4 * 3)).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    static var imageBytes: Int { images.reduce(0) { $0 + $1.utf8.count } }

    /// The images as the worker holds them: views of the capture record's bytes.
    static let imageViews: [ArraySlice<UInt8>] = {
        let capture = try! CaptureSubmitted.decodeSharingImages(captureEvent)
        return [capture.images.idFront!.inlineBase64Bytes!] + capture.images.faces!.map { $0.image.inlineBase64Bytes! }
    }()

    /// The capture event's JSON, as a producer publishes it.
    static let captureEvent: [UInt8] = {
        let now = Date()
        let capture = CaptureSubmitted(
            eventId: "0f8c6a3e-1b2d-4c5e-8f90-a1b2c3d4e5f4", transactionId: "tx-2026-11-27-7f3c2a", step: .liveness,
            submittedAt: Timestamp(now), vlensTransactionId: "5b1e9d0c-4a7f-4f0e-9a51-2c7e6b8d1f03",
            images: .init(
                idFront: .inline(base64: images[0]),
                faces: images.dropFirst().enumerated().map { index, face in
                    CaptureSubmitted.Face(image: .inline(base64: face), capturedAt: Timestamp(now.addingTimeInterval(Double(index) * 0.1)))
                }))
        return try! capture.encodedJSON()
    }()

    /// A final liveness result, as the worker publishes it.
    static let result: VerificationResult = try! VerificationResult.decode(Array("""
        {"eventId":"06082bc5-2fa5-5580-bc1b-e951d7bdf312","causationId":"0f8c6a3e-1b2d-4c5e-8f90-a1b2c3d4e5f4",\
        "transactionId":"tx-2026-11-27-7f3c2a","vlensTransactionId":"5b1e9d0c-4a7f-4f0e-9a51-2c7e6b8d1f03",\
        "tenant":"acme-finance","step":"liveness","outcome":"succeeded","final":true,\
        "verification":{"processCompleted":true,"identityVerified":true},\
        "services":{"liveness":true,"spoofingFake":false,"srcValid":true,"amlMatched":false},"attempts":1,\
        "timings":{"receivedAt":"2026-11-27T09:16:05.390Z","completedAt":"2026-11-27T09:16:08.911Z","totalMs":3521,"vlensMs":3466}}
        """.utf8))

    static let resultBytes = try! result.encodedJSON().count
}
