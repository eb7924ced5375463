/// The persisted form, versioned:
/// `{"version":1,"vlensTransactionId":…,"completedSteps":[…],"verification":{…},"verdict":…,"pendingCall":{…}}`.
extension TransactionStateMachine: Codable {
    private enum CodingKeys: String, CodingKey {
        case version, vlensTransactionId, completedSteps, verification, verdict, pendingCall
    }

    private static let version = 1

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .version)
        guard version == Self.version else {
            throw ContractError.invalid(c.codingPath + [CodingKeys.version], "unsupported state version (expected 1)")
        }
        let progress = Progress(
            vlensTransactionId: try c.decodeIfPresent(String.self, forKey: .vlensTransactionId),
            completed: Set(try c.decode([CaptureStep].self, forKey: .completedSteps)),
            verification: try c.decode(VerificationFlags.self, forKey: .verification),
            verdict: try c.decodeIfPresent(TransactionVerdict.self, forKey: .verdict)
        )
        self.init(progress: progress, pending: try c.decodeIfPresent(VlensCall.self, forKey: .pendingCall))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.version, forKey: .version)
        try c.encodeIfPresent(vlensTransactionId, forKey: .vlensTransactionId)
        try c.encode(completedSteps.sorted(), forKey: .completedSteps)
        try c.encode(verification, forKey: .verification)
        try c.encodeIfPresent(verdict, forKey: .verdict)
        try c.encodeIfPresent(pendingCall, forKey: .pendingCall)
    }
}
