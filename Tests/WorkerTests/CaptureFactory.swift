import Foundation
import Verification
import VlensSimulator

/// Builds capture events for one transaction with the simulator's test images.
struct CaptureFactory {
    let transactionId: String
    var person: String
    var userToken: String?

    init(transactionId: String = "tx-\(UUID().uuidString.prefix(8).lowercased())", person: String = "alice", userToken: String? = "user-token-alice") {
        self.transactionId = transactionId
        self.person = person
        self.userToken = userToken
    }

    /// An ID front capture; `outcome` marks the image for a simulator outcome.
    func front(_ outcome: SimulatorOutcome? = nil, eventId: String = Self.newEventID()) -> CaptureSubmitted {
        let image = outcome.map { SimulatorImages.front(person: person, $0) } ?? SimulatorImages.front(person: person)
        return make(.idFront, eventId: eventId, images: .init(idFront: .inline(base64: image)))
    }

    /// An ID back capture.
    func back(_ outcome: SimulatorOutcome? = nil, eventId: String = Self.newEventID()) -> CaptureSubmitted {
        let image = outcome.map { SimulatorImages.back(person: person, $0) } ?? SimulatorImages.back(person: person)
        return make(.idBack, eventId: eventId, images: .init(idBack: .inline(base64: image)))
    }

    /// A liveness capture: the ID front and three selfies taken 0.1 s apart.
    func liveness(_ outcome: SimulatorOutcome? = nil, faces: [String]? = nil, eventId: String = Self.newEventID()) -> CaptureSubmitted {
        let selfies = faces ?? (outcome.map { SimulatorImages.faces(person: person, $0) } ?? SimulatorImages.faces(person: person))
        let now = Date()
        return make(.liveness, eventId: eventId, images: .init(
            idFront: .inline(base64: SimulatorImages.front(person: person)),
            faces: selfies.enumerated().map { index, face in
                CaptureSubmitted.Face(image: .inline(base64: face), capturedAt: Timestamp(now.addingTimeInterval(Double(index) * 0.1)))
            }
        ))
    }

    /// A link of an API-key-only transaction to this user; it names the Vlens transaction only
    /// when `vlensTransactionId` is given (a transaction captured elsewhere).
    func link(vlensTransactionId: String? = nil, eventId: String = Self.newEventID()) -> CaptureSubmitted {
        var capture = make(.link, eventId: eventId, images: .init())
        capture.vlensTransactionId = vlensTransactionId
        return capture
    }

    static func newEventID() -> String { UUID().uuidString.lowercased() }

    private func make(_ step: CaptureStep, eventId: String, images: CaptureSubmitted.Images) -> CaptureSubmitted {
        CaptureSubmitted(
            eventId: eventId,
            transactionId: transactionId,
            step: step,
            submittedAt: Timestamp(Date()),
            userToken: userToken,
            getExtractedData: true,
            images: images
        )
    }
}
