extension VerificationResult {
    /// Decodes v2, and also a v1 result stored before the upgrade (no `sequence`, `verdict`,
    /// `userLinked` or `stepsCompleted`): its verdict is read from `final` and `verification`,
    /// its sequence is 0.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let isFinal = try c.decode(Bool.self, forKey: .isFinal)
        let verification = try c.decode(VerificationFlags.self, forKey: .verification)
        let legacyVerdict = Verdict(status: isFinal ? (verification.identityVerified ? .verified : .notVerified) : .pending)
        self.init(
            eventId: try c.decode(String.self, forKey: .eventId),
            causationId: try c.decode(String.self, forKey: .causationId),
            transactionId: try c.decode(String.self, forKey: .transactionId),
            vlensTransactionId: try c.decodeIfPresent(String.self, forKey: .vlensTransactionId),
            tenant: try c.decodeIfPresent(String.self, forKey: .tenant),
            step: try c.decodeIfPresent(CaptureStep.self, forKey: .step),
            outcome: try c.decode(ResultOutcome.self, forKey: .outcome),
            isFinal: isFinal,
            sequence: try c.decodeIfPresent(Int.self, forKey: .sequence) ?? 0,
            verdict: try c.decodeIfPresent(Verdict.self, forKey: .verdict) ?? legacyVerdict,
            userLinked: try c.decodeIfPresent(Bool.self, forKey: .userLinked) ?? false,
            stepsCompleted: try c.decodeIfPresent([CaptureStep].self, forKey: .stepsCompleted) ?? [],
            verification: verification,
            services: try c.decodeIfPresent(Services.self, forKey: .services),
            extractedData: try c.decodeIfPresent(JSONValue.self, forKey: .extractedData),
            checks: try c.decodeIfPresent(Checks.self, forKey: .checks),
            error: try c.decodeIfPresent(ResultError.self, forKey: .error),
            attempts: try c.decode(Int.self, forKey: .attempts),
            timings: try c.decode(Timings.self, forKey: .timings)
        )
    }
}
