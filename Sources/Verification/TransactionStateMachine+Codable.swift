/// The persisted form, versioned:
/// `{"version":2,"vlensTransactionId":…,"completedSteps":[…],"verification":{…},"status":…,"reason":…,
/// "vlensErrorCode":…,"userLinked":…,"sequence":…,"pendingCall":{…}}`.
///
/// Version 1 (before verdicts) is still read: its `verdict` becomes the status (`failed` no
/// longer final), a verified transaction counts as linked, and the sequence starts at 0.
extension TransactionStateMachine: Codable {
    private enum CodingKeys: String, CodingKey {
        case version, vlensTransactionId, completedSteps, verification, status, reason, vlensErrorCode, userLinked, sequence
        case verdict, pendingCall
    }

    private static let version = 2

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .version)
        var progress = Progress(
            vlensTransactionId: try c.decodeIfPresent(String.self, forKey: .vlensTransactionId),
            completed: Set(try c.decode([CaptureStep].self, forKey: .completedSteps)),
            verification: try c.decode(VerificationFlags.self, forKey: .verification)
        )
        switch version {
        case 1:
            let verdict = try c.decodeIfPresent(String.self, forKey: .verdict)
            progress.status = verdict.flatMap(VerdictStatus.init(rawValue:)) ?? .pending
            progress.userLinked = progress.status == .verified
        case Self.version:
            progress.status = try c.decode(VerdictStatus.self, forKey: .status)
            progress.reason = try c.decodeIfPresent(VerdictReason.self, forKey: .reason)
            progress.vlensErrorCode = try c.decodeIfPresent(String.self, forKey: .vlensErrorCode)
            progress.userLinked = try c.decode(Bool.self, forKey: .userLinked)
            progress.sequence = try c.decode(Int.self, forKey: .sequence)
        default:
            throw ContractError.invalid(c.codingPath + [CodingKeys.version], "unsupported state version (expected 1 or 2)")
        }
        self.init(progress: progress, pending: try c.decodeIfPresent(VlensCall.self, forKey: .pendingCall))
    }

    public func encode(to encoder: any Encoder) throws {
        let progress = self.progress
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.version, forKey: .version)
        try c.encodeIfPresent(progress.vlensTransactionId, forKey: .vlensTransactionId)
        try c.encode(progress.completed.sorted(), forKey: .completedSteps)
        try c.encode(progress.verification, forKey: .verification)
        try c.encode(progress.status, forKey: .status)
        try c.encodeIfPresent(progress.reason, forKey: .reason)
        try c.encodeIfPresent(progress.vlensErrorCode, forKey: .vlensErrorCode)
        try c.encode(progress.userLinked, forKey: .userLinked)
        try c.encode(progress.sequence, forKey: .sequence)
        try c.encodeIfPresent(pendingCall, forKey: .pendingCall)
    }
}
