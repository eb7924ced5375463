/// What to do with a capture: call Vlens for its step, or answer at once without calling Vlens.
///
/// These two are the only possibilities by nature, so this enum is closed.
public enum CaptureAction: Hashable, Sendable {
    /// Run the local pre-checks, then call Vlens; report the outcome with
    /// ``TransactionStateMachine/onStepOutcome(_:)``.
    case callVlens(VlensCall)
    /// Publish a result with these fields; Vlens is not called and the state is unchanged.
    case resolve(StepResolution)
}

/// A Vlens call the state machine asked for.
public struct VlensCall: Hashable, Sendable, Codable {
    /// The step to call.
    public var step: CaptureStep
    /// The `transaction_id` to send: the stored one for later steps, the event's for `link`;
    /// `nil` for a first step.
    public var vlensTransactionId: String?

    public init(step: CaptureStep, vlensTransactionId: String?) {
        self.step = step
        self.vlensTransactionId = vlensTransactionId
    }
}
