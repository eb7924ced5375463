/// The outcome of one capture: `succeeded`, `rejected`, `failed` or `invalid`.
public struct ResultOutcome: ClosedStringSet {
    enum Backing: String, CaseIterable, Sendable {
        case succeeded, rejected, failed, invalid
    }

    let backing: Backing

    init(_ backing: Backing) { self.backing = backing }

    /// Vlens accepted the step.
    public static let succeeded = ResultOutcome(.succeeded)
    /// Vlens or a local pre-check said no; the user may submit the step again.
    public static let rejected = ResultOutcome(.rejected)
    /// Could not complete, e.g. the retry budget was exhausted; the transaction's verdict is
    /// `failed`, which is not final (a redrive or a new capture may still complete it).
    public static let failed = ResultOutcome(.failed)
    /// The capture event was malformed or broke its schema.
    public static let invalid = ResultOutcome(.invalid)

    public static let allCases = Backing.allCases.map(ResultOutcome.init)

    /// The wire name, e.g. `succeeded`.
    public var rawValue: String { backing.rawValue }

    public init?(rawValue: String) {
        guard let backing = Backing(rawValue: rawValue) else { return nil }
        self.backing = backing
    }
}
