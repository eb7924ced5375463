/// What came of a step the state machine asked to send to Vlens: the input to
/// ``TransactionStateMachine/onStepOutcome(_:)``.
public struct StepOutcome: Hashable, Sendable {
    enum Backing: Hashable, Sendable {
        case succeeded(vlensTransactionId: String?, verification: VerificationFlags?, amlMatched: Bool, registryInvalid: Bool, userLinked: Bool)
        case rejected(ResultError, reason: VerdictReason, vlensTransactionId: String?)
        case failed(ResultError, reason: VerdictReason)
    }

    let backing: Backing

    /// Vlens accepted the step.
    ///
    /// - Parameters:
    ///   - vlensTransactionId: the `transaction_id` in Vlens's response, if it had one.
    ///   - verification: `isVerificationProcessCompleted` / `isDigitalIdentityVerified`, if the response had them.
    ///   - amlMatched: `services.AML.AML_matched`.
    ///   - registryInvalid: `services.SRC.isValid` was false (the national registry check failed).
    ///   - userLinked: the step was sent with a user token (or it was a link), so Vlens tied the
    ///     transaction to a user.
    public static func succeeded(
        vlensTransactionId: String?, verification: VerificationFlags? = nil, amlMatched: Bool = false, registryInvalid: Bool = false,
        userLinked: Bool = true
    ) -> StepOutcome {
        StepOutcome(
            backing: .succeeded(
                vlensTransactionId: vlensTransactionId, verification: verification, amlMatched: amlMatched,
                registryInvalid: registryInvalid, userLinked: userLinked))
    }

    /// Vlens, or a local pre-check run before the call, said no; `reason` says what that does to
    /// the transaction (``VerdictReason/effect``).
    public static func rejected(_ error: ResultError, reason: VerdictReason, vlensTransactionId: String? = nil) -> StepOutcome {
        StepOutcome(backing: .rejected(error, reason: reason, vlensTransactionId: vlensTransactionId))
    }

    /// The step could not complete (e.g. retries exhausted): the transaction is `failed`, not final.
    public static func failed(_ error: ResultError, reason: VerdictReason) -> StepOutcome {
        StepOutcome(backing: .failed(error, reason: reason))
    }
}
