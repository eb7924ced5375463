/// How a transaction ended: `verified`, `not_verified` or `failed`.
public struct TransactionVerdict: ClosedStringSet {
    enum Backing: String, CaseIterable, Sendable {
        case verified
        case notVerified = "not_verified"
        case failed
    }

    let backing: Backing

    init(_ backing: Backing) { self.backing = backing }

    /// Vlens verified the identity.
    public static let verified = TransactionVerdict(.verified)
    /// Vlens completed the process but did not verify the identity (e.g. the authority checks failed).
    public static let notVerified = TransactionVerdict(.notVerified)
    /// A step could not complete (e.g. retries exhausted).
    public static let failed = TransactionVerdict(.failed)

    public static let allCases = Backing.allCases.map(TransactionVerdict.init)

    public var rawValue: String { backing.rawValue }

    public init?(rawValue: String) {
        guard let backing = Backing(rawValue: rawValue) else { return nil }
        self.backing = backing
    }
}
