/// What to do with a capture: call Vlens for its step, answer at once without calling Vlens, or
/// wait for other steps of its transaction (answering with the resolution if it may not wait).
///
/// These are the only possibilities by nature, so this enum is closed.
public enum CaptureAction: Hashable, Sendable {
    /// Run the local pre-checks, then call Vlens; report the outcome with
    /// ``TransactionStateMachine/onStepOutcome(_:)``.
    case callVlens(VlensCall)
    /// Publish a result with these fields; Vlens is not called.
    case resolve(StepResolution)
    /// The capture needs steps of its transaction that have not completed (a liveness before both
    /// sides, a link before liveness). The caller may hold it and offer it again later; if it
    /// does not wait, it publishes the resolution.
    case awaitSteps(StepResolution)
}

/// A Vlens call the state machine asked for.
public struct VlensCall: Hashable, Sendable, Codable {
    /// The step to call.
    public var step: CaptureStep
    /// The `transaction_id` to send: the stored one for later steps (a link names its own only
    /// for a transaction this worker does not know); `nil` for a first step.
    public var vlensTransactionId: String?

    public init(step: CaptureStep, vlensTransactionId: String?) {
        self.step = step
        self.vlensTransactionId = vlensTransactionId
    }
}
