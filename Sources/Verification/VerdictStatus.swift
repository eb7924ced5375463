/// Where a transaction stands: `pending`, `verified`, `not_verified` or `failed`.
///
/// Only `verified` and `not_verified` are final; `failed` says the worker could not get an answer
/// (Vlens unavailable, credentials), which is no judgement on the person and may still change.
public struct VerdictStatus: ClosedStringSet {
    enum Backing: String, CaseIterable, Sendable {
        case pending
        case verified
        case notVerified = "not_verified"
        case failed
    }

    let backing: Backing

    init(_ backing: Backing) { self.backing = backing }

    /// Steps are missing or in progress (including an API-key-only transaction waiting for its link).
    public static let pending = VerdictStatus(.pending)
    /// Vlens verified the identity and the transaction is linked to a user.
    public static let verified = VerdictStatus(.verified)
    /// Vlens completed and said no: a judgement on the person or the document.
    public static let notVerified = VerdictStatus(.notVerified)
    /// The worker could not get an answer; not final.
    public static let failed = VerdictStatus(.failed)

    public static let allCases = Backing.allCases.map(VerdictStatus.init)

    /// Whether the status never changes again (results carry `final: true`).
    public var isFinal: Bool { self == .verified || self == .notVerified }

    public var rawValue: String { backing.rawValue }

    public init?(rawValue: String) {
        guard let backing = Backing(rawValue: rawValue) else { return nil }
        self.backing = backing
    }
}
