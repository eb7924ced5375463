/// The transaction's Vlens verdict so far.
public struct VerificationFlags: Hashable, Sendable, Codable {
    /// Vlens `isVerificationProcessCompleted`: every capture step passed Vlens's checks.
    public var processCompleted: Bool
    /// Vlens `isDigitalIdentityVerified`: also the NTRA and CSO checks, where the tenant requires them.
    public var identityVerified: Bool

    public init(processCompleted: Bool, identityVerified: Bool) {
        self.processCompleted = processCompleted
        self.identityVerified = identityVerified
    }

    /// Nothing completed or verified yet.
    public static let none = VerificationFlags(processCompleted: false, identityVerified: false)
}
