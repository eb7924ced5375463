/// An outcome a test image asks the simulator for, written as a marker at the start of the image.
///
/// An image whose decoded bytes (or whose raw text, for hand-written curl bodies) start with
/// `VLENS-SIM:` followed by comma-separated tokens up to a newline controls what the simulator
/// answers, e.g. `VLENS-SIM:person=alice,spoof`. See the README's "Vlens simulator" section.
public struct SimulatorOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The marker token, e.g. `spoof`.
    public let token: String

    private init(_ token: String) { self.token = token }

    /// `services.spoofing.fake` is `true` (on an ID image or the liveness `image`).
    public static let spoof = SimulatorOutcome("spoof")
    /// Error 1050 "Image quality too low" (HTTP 200).
    public static let unreadable = SimulatorOutcome("unreadable")
    /// Error 3011 "Card not detected" (HTTP 200).
    public static let noCard = SimulatorOutcome("no-card")
    /// Error 3010 "ID expired" (HTTP 422), with a validation error on `idExpiry`.
    public static let expired = SimulatorOutcome("expired")
    /// This side reads a different ID number from the other side: error 3101 (HTTP 422).
    public static let mismatch = SimulatorOutcome("mismatch")
    /// The completed flow reports `services.AML.AML_matched: true`.
    public static let aml = SimulatorOutcome("aml")
    /// The completed flow reports `services.SRC.isValid: false` (not verified if the tenant requires authority checks).
    public static let srcInvalid = SimulatorOutcome("src-invalid")
    /// On a face image: the liveness check fails.
    public static let livenessFail = SimulatorOutcome("liveness-fail")

    /// Every outcome, for documentation and tests.
    public static let all: [SimulatorOutcome] = [
        .spoof, .unreadable, .noCard, .expired, .mismatch, .aml, .srcInvalid, .livenessFail,
    ]

    public var description: String { token }
}
