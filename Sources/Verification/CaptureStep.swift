/// A capture step: `id_front`, `id_back`, `liveness` or `link`.
public struct CaptureStep: ClosedStringSet, Comparable {
    enum Backing: String, CaseIterable, Sendable {
        case idFront = "id_front"
        case idBack = "id_back"
        case liveness
        case link
    }

    let backing: Backing

    init(_ backing: Backing) { self.backing = backing }

    /// The front of the national ID: OCR; usually the first step, which yields the Vlens transaction id.
    public static let idFront = CaptureStep(.idFront)
    /// The back of the national ID: OCR. Front and back may come in either order.
    public static let idBack = CaptureStep(.idBack)
    /// Three liveness selfies plus the ID front; only after both sides succeeded.
    public static let liveness = CaptureStep(.liveness)
    /// Links an existing (API-key-only) Vlens transaction to the user.
    public static let link = CaptureStep(.link)

    /// Every step, in the contract's order.
    public static let allCases = Backing.allCases.map(CaptureStep.init)

    /// The wire name, e.g. `id_front`.
    public var rawValue: String { backing.rawValue }

    /// The step named `rawValue`, or `nil` for an unknown name.
    public init?(rawValue: String) {
        guard let backing = Backing(rawValue: rawValue) else { return nil }
        self.backing = backing
    }

    public static func < (lhs: CaptureStep, rhs: CaptureStep) -> Bool {
        Backing.allCases.firstIndex(of: lhs.backing)! < Backing.allCases.firstIndex(of: rhs.backing)!
    }
}
