/// The Vlens endpoints the simulator serves, with the labels the ledger and fault filters use.
enum SimulatorStep: String, Sendable, CaseIterable {
    case idFront = "id_front"
    case idBack = "id_back"
    case liveness
    case link
    case userImages = "user_images"
    case stepImage = "step_image"

    var path: String {
        switch self {
        case .idFront: "/api/DigitalIdentity/verify/id/front"
        case .idBack: "/api/DigitalIdentity/verify/id/back"
        case .liveness: "/api/DigitalIdentity/verify/liveness/multi"
        case .link: "/api/DigitalIdentity/LinkUserWithExistingTransaction"
        case .userImages: "/api/DigitalIdentity/GetUserDigitalIdentityImages"
        case .stepImage: "/api/DigitalIdentity/GetStepImage"
        }
    }

    var isAdmin: Bool { self == .userImages || self == .stepImage }
}
