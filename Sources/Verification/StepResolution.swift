/// The result fields the state machine decided for one capture.
public struct StepResolution: Hashable, Sendable {
    public var outcome: ResultOutcome
    /// The result's `final`: the transaction's verdict is `verified` or `not_verified`.
    public var isFinal: Bool
    /// The transaction's Vlens flags so far.
    public var verification: VerificationFlags
    /// The Vlens transaction id, once known.
    public var vlensTransactionId: String?
    /// Why the outcome is not `succeeded`.
    public var error: ResultError?
    /// The transaction's verdict as of this result.
    public var verdict: Verdict
    /// The result's place in its transaction: 1 for the first result, +1 for each new one.
    public var sequence: Int
    /// Whether the transaction is tied to a user.
    public var userLinked: Bool
    /// The steps Vlens accepted so far.
    public var stepsCompleted: [CaptureStep]

    public init(
        outcome: ResultOutcome,
        isFinal: Bool,
        verification: VerificationFlags,
        vlensTransactionId: String?,
        error: ResultError? = nil,
        verdict: Verdict,
        sequence: Int,
        userLinked: Bool,
        stepsCompleted: [CaptureStep]
    ) {
        self.outcome = outcome
        self.isFinal = isFinal
        self.verification = verification
        self.vlensTransactionId = vlensTransactionId
        self.error = error
        self.verdict = verdict
        self.sequence = sequence
        self.userLinked = userLinked
        self.stepsCompleted = stepsCompleted
    }
}
