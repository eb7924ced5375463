extension VerificationResult {
    /// The result of `capture` as the state machine resolved it.
    ///
    /// - Parameters:
    ///   - resolution: what ``TransactionStateMachine`` returned for the capture or its outcome.
    ///   - attempts: Vlens calls made for this capture (0 when resolved locally).
    ///   - extractedData: only when the capture asked for it and the configuration allows it.
    public init(
        capture: CaptureSubmitted,
        resolution: StepResolution,
        attempts: Int,
        timings: Timings,
        services: Services? = nil,
        extractedData: JSONValue? = nil,
        checks: Checks? = nil
    ) {
        self.init(
            eventId: Self.eventID(forCapture: capture.eventId),
            causationId: capture.eventId,
            transactionId: capture.transactionId,
            vlensTransactionId: resolution.vlensTransactionId,
            tenant: capture.tenant,
            step: capture.step,
            outcome: resolution.outcome,
            isFinal: resolution.isFinal,
            verification: resolution.verification,
            services: services,
            extractedData: extractedData,
            checks: checks,
            error: resolution.error,
            attempts: attempts,
            timings: timings
        )
    }

    /// The `invalid` result for a capture that broke its contract but had a readable eventId and
    /// transactionId. The transaction's state is unchanged: pass its finality and verdict so far.
    public static func invalid(
        captureEventId: String,
        transactionId: String,
        step: CaptureStep? = nil,
        tenant: String? = nil,
        error: ContractError,
        state: TransactionStateMachine = TransactionStateMachine(),
        timings: Timings
    ) -> VerificationResult {
        VerificationResult(
            eventId: eventID(forCapture: captureEventId),
            causationId: captureEventId,
            transactionId: transactionId,
            vlensTransactionId: state.vlensTransactionId,
            tenant: tenant,
            step: step,
            outcome: .invalid,
            isFinal: state.isFinal,
            verification: state.verification,
            error: ResultError(invalidEvent: error),
            attempts: 0,
            timings: timings
        )
    }
}
