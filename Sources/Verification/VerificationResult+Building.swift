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
            captureEventId: capture.eventId,
            transactionId: capture.transactionId,
            tenant: capture.tenant,
            step: capture.step,
            outcome: resolution.outcome,
            resolution: resolution,
            services: services,
            extractedData: extractedData,
            checks: checks,
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
            captureEventId: captureEventId,
            transactionId: transactionId,
            tenant: tenant,
            step: step,
            outcome: .invalid,
            resolution: resolution,
            attempts: 0,
            timings: timings
        )
    }

    /// The result of the capture `captureEventId`, with what the state machine decided in `resolution`.
    private init(
        captureEventId: String,
        transactionId: String,
        tenant: String?,
        step: CaptureStep?,
        outcome: ResultOutcome,
        resolution: StepResolution,
        services: Services? = nil,
        extractedData: JSONValue? = nil,
        checks: Checks? = nil,
        attempts: Int,
        timings: Timings
    ) {
        self.init(
            eventId: Self.eventID(forCapture: captureEventId),
            causationId: captureEventId,
            transactionId: transactionId,
            vlensTransactionId: resolution.vlensTransactionId,
            tenant: tenant,
            step: step,
            outcome: outcome,
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
}
