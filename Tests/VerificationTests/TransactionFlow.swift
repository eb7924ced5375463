import Foundation
import Verification

/// Events built end to end by the Swift models: captures driven through the state machine, their
/// results (every outcome), and dead-letter records.
struct TransactionFlow {
    var captures: [CaptureSubmitted] = []
    var results: [VerificationResult] = []
    var deadLetters: [DeadLetterRecord] = []

    static let image = ImageReference.inline(base64: "/9j/4AAQSkZJRgABAQ==")
    static let faces = (1...3).map {
        CaptureSubmitted.Face(
            image: .claimCheck(
                .init(
                    url: "https://captures.example.com/f\($0).jpg", sha256: String(repeating: "ab", count: 32),
                    sizeBytes: 300_000)),
            capturedAt: Timestamp(Date(timeIntervalSince1970: 1_800_000_000 + Double($0) / 10))
        )
    }

    static func capture(_ step: CaptureStep, tx: String, n: Int, vlensTransactionId: String? = nil) -> CaptureSubmitted
    {
        let images: CaptureSubmitted.Images =
            switch step {
            case .idFront: .init(idFront: image)
            case .idBack: .init(idBack: image)
            case .liveness: .init(idFront: image, faces: faces)
            default: .init()
            }
        return CaptureSubmitted(
            eventId: "\(tx)-capture-\(n)", transactionId: tx, step: step,
            submittedAt: Timestamp(Date(timeIntervalSince1970: 1_800_000_000 + Double(n))),
            tenant: "acme", userToken: "token-\(n)", vlensTransactionId: vlensTransactionId,
            getExtractedData: true, images: images
        )
    }

    static func timings(_ n: Int) -> VerificationResult.Timings {
        let start = Date(timeIntervalSince1970: 1_800_000_000 + Double(n))
        return .init(
            receivedAt: Timestamp(start), completedAt: Timestamp(start.addingTimeInterval(1.25)),
            vlensTime: .milliseconds(1100))
    }

    /// Handles one capture: asks the machine, and when it says call Vlens, answers with `vlens`.
    mutating func handle(
        _ capture: CaptureSubmitted,
        _ machine: inout TransactionStateMachine,
        n: Int,
        vlens: StepOutcome,
        extractedData: JSONValue? = nil
    ) {
        captures.append(capture)
        let resolution: StepResolution
        var attempts = 0
        switch machine.onCapture(capture) {
        case .resolve(let local), .awaitSteps(let local):
            resolution = local
        case .callVlens:
            attempts = 1
            resolution = machine.onStepOutcome(vlens)
        }
        let checks = extractedData.flatMap(IDConsistencyCheck.init(vlensData:)).map {
            VerificationResult.Checks(idConsistency: $0)
        }
        results.append(
            VerificationResult(
                capture: capture, resolution: resolution, attempts: attempts, timings: Self.timings(n),
                services: resolution.outcome == .succeeded
                    ? .init(spoofingFake: false, docType: "egyptian_national_id") : nil,
                extractedData: extractedData, checks: checks
            ))
    }

    static func run() throws -> TransactionFlow {
        var flow = TransactionFlow()
        let verified = VerificationFlags(processCompleted: true, identityVerified: true)
        let front: JSONValue = .object([
            "idFrontData": .object([
                "idNumber": .string("29901230123468"), "dateOfBirth": .string("1999-01-23"), "gender": .string("M"),
            ])
        ])

        var a = TransactionStateMachine()
        flow.handle(capture(.idBack, tx: "tx-a", n: 1), &a, n: 1, vlens: .succeeded(vlensTransactionId: "vl-a"))
        flow.handle(capture(.liveness, tx: "tx-a", n: 2), &a, n: 2, vlens: .succeeded(vlensTransactionId: nil))
        flow.handle(
            capture(.idFront, tx: "tx-a", n: 3), &a, n: 3, vlens: .succeeded(vlensTransactionId: "vl-a"),
            extractedData: front)
        flow.handle(
            capture(.liveness, tx: "tx-a", n: 4), &a, n: 4,
            vlens: .succeeded(vlensTransactionId: "vl-a", verification: verified))
        flow.handle(capture(.liveness, tx: "tx-a", n: 5), &a, n: 5, vlens: .succeeded(vlensTransactionId: nil))

        var b = TransactionStateMachine()
        let quality = ResultError(
            code: .vlensRejected, message: "Vlens rejected the image: quality too low", retryable: true,
            vlensErrorCode: "1050", httpStatus: 200)
        flow.handle(capture(.idFront, tx: "tx-b", n: 6), &b, n: 6, vlens: .rejected(quality, reason: .imageQuality))
        let exhausted = ResultError(
            code: .retriesExhausted, message: "Vlens id_front call still failing after 8 attempts", retryable: true,
            httpStatus: 503)
        flow.handle(capture(.idFront, tx: "tx-b", n: 7), &b, n: 7, vlens: .failed(exhausted, reason: .vlensUnavailable))

        var c = TransactionStateMachine()
        flow.handle(
            capture(.link, tx: "tx-c", n: 8, vlensTransactionId: "vl-c"), &c, n: 8,
            vlens: .succeeded(vlensTransactionId: nil, verification: verified))

        let broken = Array(
            #"{"eventId":"e-9","transactionId":"tx-d","step":"selfie","submittedAt":"2026-11-27T09:00:00Z","getExtractedData":false}"#
                .utf8)
        do {
            _ = try CaptureSubmitted.decode(broken)
        } catch {
            var d = TransactionStateMachine()
            flow.results.append(
                .invalid(
                    captureEventId: "e-9", transactionId: "tx-d",
                    resolution: d.onInvalidCapture(ResultError(invalidEvent: error)), timings: timings(9)))
            flow.deadLetters.append(
                DeadLetterRecord(
                    reason: .init(error),
                    source: .init(topic: "identity.capture-submitted.v1", partition: 2, offset: 99),
                    failedAt: timings(9).completedAt, attempts: 0, transactionId: "tx-d", eventId: "e-9",
                    key: Array("tx-d".utf8), value: broken, headers: [MessageHeader(name: "ce_id", text: "e-9")]
                ))
        }
        flow.deadLetters.append(
            DeadLetterRecord(
                reason: .init(code: "retries_exhausted", message: exhausted.message),
                source: .init(topic: "identity.capture-submitted.v1", partition: 0, offset: 7),
                failedAt: timings(7).completedAt, attempts: 8, transactionId: "tx-b", eventId: "tx-b-capture-7",
                key: nil, value: try flow.captures[6].encodedJSON(), headers: []
            ))
        return flow
    }
}
