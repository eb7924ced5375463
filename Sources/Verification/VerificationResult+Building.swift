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
            sequence: resolution.sequence,
            verdict: resolution.verdict,
            userLinked: resolution.userLinked,
            stepsCompleted: resolution.stepsCompleted,
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
    /// transactionId; `resolution` is ``TransactionStateMachine/onInvalidCapture(_:)``'s.
    public static func invalid(
        captureEventId: String,
        transactionId: String,
        step: CaptureStep? = nil,
        tenant: String? = nil,
        resolution: StepResolution,
        timings: Timings
    ) -> VerificationResult {
        VerificationResult(
            eventId: eventID(forCapture: captureEventId),
            causationId: captureEventId,
            transactionId: transactionId,
            vlensTransactionId: resolution.vlensTransactionId,
            tenant: tenant,
            step: step,
            outcome: .invalid,
            isFinal: resolution.isFinal,
            sequence: resolution.sequence,
            verdict: resolution.verdict,
            userLinked: resolution.userLinked,
            stepsCompleted: resolution.stepsCompleted,
            verification: resolution.verification,
            error: resolution.error,
            attempts: 0,
            timings: timings
        )
    }
}
