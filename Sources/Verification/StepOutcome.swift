/// What came of a step the state machine asked to send to Vlens: the input to
/// ``TransactionStateMachine/onStepOutcome(_:)``.
public struct StepOutcome: Hashable, Sendable {
    enum Backing: Hashable, Sendable {
        case succeeded(vlensTransactionId: String?, verification: VerificationFlags?)
        case rejected(ResultError, vlensTransactionId: String?)
        case failed(ResultError)
    }

    let backing: Backing

    /// Vlens accepted the step.
    ///
    /// - Parameters:
    ///   - vlensTransactionId: the `transaction_id` in Vlens's response, if it had one.
    ///   - verification: `isVerificationProcessCompleted` / `isDigitalIdentityVerified`, if the response had them.
    public static func succeeded(vlensTransactionId: String?, verification: VerificationFlags? = nil) -> StepOutcome {
        StepOutcome(backing: .succeeded(vlensTransactionId: vlensTransactionId, verification: verification))
    }

    /// Vlens, or a local pre-check run before the call, said no. The user may submit the step again.
    public static func rejected(_ error: ResultError, vlensTransactionId: String? = nil) -> StepOutcome {
        StepOutcome(backing: .rejected(error, vlensTransactionId: vlensTransactionId))
    }

    /// The step could not complete (e.g. retries exhausted): terminal for the transaction.
    public static func failed(_ error: ResultError) -> StepOutcome {
        StepOutcome(backing: .failed(error))
    }
}
