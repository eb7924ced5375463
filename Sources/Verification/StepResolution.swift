/// The result fields the state machine decided for one capture.
public struct StepResolution: Hashable, Sendable {
    public var outcome: ResultOutcome
    /// The result's `final`: the transaction is terminal.
    public var isFinal: Bool
    /// The transaction's verdict so far.
    public var verification: VerificationFlags
    /// The Vlens transaction id, once known.
    public var vlensTransactionId: String?
    /// Why the outcome is not `succeeded`.
    public var error: ResultError?

    public init(
        outcome: ResultOutcome,
        isFinal: Bool,
        verification: VerificationFlags,
        vlensTransactionId: String?,
        error: ResultError? = nil
    ) {
        self.outcome = outcome
        self.isFinal = isFinal
        self.verification = verification
        self.vlensTransactionId = vlensTransactionId
        self.error = error
    }
}
