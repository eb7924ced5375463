import Foundation
import Verification
import VlensAPI
import Observability
import Resilience

/// Makes one capture's Vlens call: waits for the breaker and the rate limit, retries retryable
/// failures with backoff and full jitter (honouring `Retry-After`), and classifies the answer
/// into the state machine's ``StepOutcome``.
///
/// Waits in place only briefly (`parkAfter`): an open breaker, a rate budget that will not admit the
/// call within that time, or failures that outlast the in-place retries throw ``CaptureBlocked`` and
/// the capture is parked. Waiting out an open breaker, failed breaker probes and 429s do not use up the
/// attempt budget: an outage or a rate limit delays captures, it does not fail them.
package struct VlensStepRunner: Sendable {
    /// The images a step sends, already base64 (slices of the capture record for inline images).
    package struct Images: Sendable {
        package var idFront: ArraySlice<UInt8>?
        package var idBack: ArraySlice<UInt8>?
        package var faces: [ArraySlice<UInt8>] = []
    }

    /// What came of the call.
    package struct Report: Sendable {
        package var outcome: StepOutcome
        package var response: VlensStepResponse?
        /// Calls that reached Vlens (or failed on the way).
        package var attempts: Int
        package var vlensTime: Duration
        /// The last error's bounded code, when the call did not succeed.
        package var errorCode: String?
    }

    package let retry: RetryPolicy
    package let metrics: WorkerMetrics

    package init(retry: RetryPolicy, metrics: WorkerMetrics) {
        self.retry = retry
        self.metrics = metrics
    }

    /// - Parameters:
    ///   - priorAttempts: transient failures the capture had before (while parked); they count
    ///     against ``RetryPolicy/maxAttempts``.
    ///   - parkAfter: how long this try may wait in place before it throws ``CaptureBlocked``.
    ///   - beforeFirstSend: called once, when the first request has its place in the tenant's line
    ///     and before it waits for its slot (so its time does not squeeze the pace).
    ///   - beforeEachSend: called before each request, once it has its slot; throwing keeps it from going out.
    package func run(
        _ call: VlensCall, capture: CaptureSubmitted, images: Images, gateway: TenantGateway, trace: TraceHeaders,
        priorAttempts: Int = 0, parkAfter: Duration = .seconds(2), beforeFirstSend: @Sendable () async throws -> Void = {},
        beforeEachSend: @Sendable () async throws -> Void = {}
    ) async throws -> Report {
        let deadline = ContinuousClock.now + parkAfter
        var context = VlensCallContext(
            clientTransactionId: capture.transactionId,
            requestId: capture.eventId,
            userToken: capture.userToken,
            traceparent: trace.traceparent, tracestate: trace.tracestate,
            // The ID sides always ask for it: Vlens's transaction id comes in the extracted data
            // (`data.idFrontData.transaction_id`), and so do the fields the sides are checked against
            // each other with. Only a capture that asked gets it in its result.
            getExtractedData: call.step == .idFront || call.step == .idBack || capture.getExtractedData
        )
        var generator = SystemRandomNumberGenerator()
        var counted = 0
        var attempts = 0
        var rateLimited = 0
        var uncertain = false
        var vlensTime = Duration.zero
        while true {
            let isProbe: Bool
            do {
                isProbe = try gateway.awaitBreaker()
                try await gateway.awaitRateLimit { if attempts == 0 { try await beforeFirstSend() } }
                try await beforeEachSend()
            } catch var blocked as CaptureBlocked {
                blocked.failedAttempts = counted
                blocked.callUncertain = uncertain
                throw blocked
            }
            attempts += 1
            let started = ContinuousClock.now
            do {
                let response = try await send(call, images: images, context: context, client: gateway.client)
                let elapsed = ContinuousClock.now - started
                vlensTime += elapsed
                metrics.recordVlensRequest(step: call.step.rawValue, statusClass: "2xx", duration: elapsed)
                gateway.recordAnswered(httpStatus: response.httpStatus)
                if let missing = Self.missingTransactionID(call, response: response) {
                    // Vlens processed the side: calling again would open another transaction.
                    return Report(outcome: missing, response: response, attempts: attempts, vlensTime: vlensTime, errorCode: "no_transaction_id")
                }
                let linked = context.userToken != nil
                return Report(outcome: Self.success(response, userLinked: linked), response: response, attempts: attempts, vlensTime: vlensTime)
            } catch let error as VlensError {
                let elapsed = ContinuousClock.now - started
                vlensTime += elapsed
                metrics.recordVlensRequest(step: call.step.rawValue, statusClass: Self.statusClass(error), duration: elapsed)
                if error.code == .rateLimited {
                    gateway.recordRateLimited(retryAfter: error.retryAfter)
                    metrics.recordRetry(step: call.step.rawValue, code: error.code.rawValue)
                    rateLimited += 1
                    if rateLimited >= 3 {
                        throw CaptureBlocked(reason: .rateLimited, retryAt: Date() + (error.retryAfter ?? .seconds(1)), failedAttempts: counted, callUncertain: uncertain)
                    }
                    continue
                }
                guard error.category == .retryable || error.category == .invalidResponse else {
                    gateway.recordAnswered(httpStatus: error.httpStatus)
                    if error.httpStatus == 401, context.userToken != nil, call.step != .link, gateway.userTokenFallback {
                        // The tenant allows it: the step goes API-key-only; the transaction waits for a link.
                        metrics.recordRetry(step: call.step.rawValue, code: "user_token_fallback")
                        context.userToken = nil
                        continue
                    }
                    return Report(
                        outcome: Self.refusal(error, userTokenSent: context.userToken != nil && gateway.hasAcceptedAPIKey), response: error.response,
                        attempts: attempts, vlensTime: vlensTime, errorCode: error.code.rawValue)
                }
                gateway.recordOutage()
                // No answer, or a 2xx that could not be read (Vlens processed it): calling again repeats it.
                if error.httpStatus.map({ (200..<300).contains($0) }) ?? true { uncertain = true }
                if !isProbe { counted += 1 }
                guard retry.allowsAttempt(after: priorAttempts + counted) else {
                    let exhausted = ResultError(
                        code: .retriesExhausted,
                        message: "Vlens did not answer usably after \(priorAttempts + counted) attempts (last: \(error.code))",
                        retryable: VerdictReason.vlensUnavailable.isRetryable,
                        httpStatus: error.httpStatus
                    )
                    return Report(outcome: .failed(exhausted, reason: .vlensUnavailable), attempts: attempts, vlensTime: vlensTime, errorCode: error.code.rawValue)
                }
                metrics.recordRetry(step: call.step.rawValue, code: error.code.rawValue)
                let delay = retry.delay(afterAttempt: max(priorAttempts + counted, 1), retryAfter: error.retryAfter, using: &generator)
                guard ContinuousClock.now + delay <= deadline else {
                    throw CaptureBlocked(reason: isProbe ? .breakerOpen : .vlensUnavailable, retryAt: Date() + delay, failedAttempts: counted, callUncertain: uncertain)
                }
                try await Task.sleep(for: delay)
            }
        }
    }

    private func send(_ call: VlensCall, images: Images, context: VlensCallContext, client: VlensClient) async throws -> VlensStepResponse {
        switch call.step {
        case .idFront:
            return try await client.verifyIDFront(base64: images.idFront ?? [], transactionId: call.vlensTransactionId, context: context)
        case .idBack:
            return try await client.verifyIDBack(base64: images.idBack ?? [], transactionId: call.vlensTransactionId, context: context)
        case .liveness:
            let faces = images.faces + Array(repeating: [], count: max(0, 3 - images.faces.count))
            return try await client.verifyLiveness(
                idBase64: images.idFront ?? [], faces: (faces[0], faces[1], faces[2]),
                transactionId: call.vlensTransactionId ?? "", context: context
            )
        default:
            return try await client.linkUserWithExistingTransaction(transactionId: call.vlensTransactionId ?? "", context: context)
        }
    }

    /// The failure of a first ID side that Vlens accepted without a transaction id anywhere in its
    /// answer: the transaction's other steps could not join it. `nil` when the id is known.
    private static func missingTransactionID(_ call: VlensCall, response: VlensStepResponse) -> StepOutcome? {
        guard call.step == .idFront || call.step == .idBack, call.vlensTransactionId == nil, response.transactionId == nil else { return nil }
        let error = ResultError(
            code: .vlensError,
            message: "Vlens accepted \(call.step) but its answer carries no transaction id (data.idFrontData.transaction_id); the other steps could not join the transaction",
            retryable: VerdictReason.vlensError.isRetryable,
            httpStatus: response.httpStatus
        )
        return .failed(error, reason: .vlensError)
    }

    private static func success(_ response: VlensStepResponse, userLinked: Bool) -> StepOutcome {
        let data = response.data
        var flags: VerificationFlags?
        if data.isVerificationProcessCompleted != nil || data.isDigitalIdentityVerified != nil {
            flags = VerificationFlags(
                processCompleted: data.isVerificationProcessCompleted ?? false,
                identityVerified: data.isDigitalIdentityVerified ?? false
            )
        }
        return .succeeded(
            vlensTransactionId: response.transactionId, verification: flags,
            amlMatched: response.services.amlMatched == true, registryInvalid: response.services.srcIsValid == false,
            userLinked: userLinked)
    }

    /// The outcome of an answer that refused the step: a rejection (Vlens judged the capture, or
    /// refused its user token), or a failure (credentials, a request Vlens could not take, an error
    /// code nobody documented), each with its verdict reason.
    package static func refusal(_ error: VlensError, userTokenSent: Bool) -> StepOutcome {
        let vlensCode = error.vlensErrorCode.map(String.init)
        let reason = VerdictReason(refusal: error, userTokenSent: userTokenSent)
        if (error.category == .rejected && reason.effect != .fails) || reason == .userTokenRejected {
            let code: ResultError.Code = reason == .userTokenRejected ? .userTokenRejected : .vlensRejected
            return .rejected(
                ResultError(
                    code: code,
                    message: reason == .userTokenRejected
                        ? "Vlens refused the capture's user token (HTTP 401); submit the step again with a fresh token"
                        : "Vlens rejected the step (\(error.code))",
                    retryable: reason.isRetryable,
                    vlensErrorCode: vlensCode,
                    httpStatus: error.httpStatus
                ),
                reason: reason,
                vlensTransactionId: error.response?.transactionId
            )
        }
        return .failed(
            ResultError(
                code: .vlensError,
                message: "Vlens refused the request (\(error.code), \(error.category)); check the worker's credentials and request",
                retryable: reason.isRetryable,
                vlensErrorCode: vlensCode,
                httpStatus: error.httpStatus
            ),
            reason: reason)
    }

    private static func statusClass(_ error: VlensError) -> String {
        guard let status = error.httpStatus else { return error.code.rawValue == "timeout" ? "timeout" : "network" }
        return "\(status / 100)xx"
    }
}
