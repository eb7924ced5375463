/// The per-transaction (Kafka key) verification state machine: pure, no I/O.
///
/// It remembers the Vlens `transaction_id` learned from the first step, the steps that have
/// succeeded, the latest Vlens verdict and whether the transaction is final. Feed it a capture
/// with ``onCapture(_:)``; it answers with a ``CaptureAction``: call Vlens (then feed the outcome
/// to ``onStepOutcome(_:)``) or resolve at once without calling Vlens. The caller performs the
/// side effects and persists the state (it is `Codable`) after each transition.
///
/// Rules:
/// - `id_front` and `id_back` may come in either order; the first gives the Vlens transaction id,
///   later steps send the stored one.
/// - `liveness` goes to Vlens only after both sides succeeded; otherwise it is `rejected` with
///   `liveness_sides_missing` naming the missing sides.
/// - `link` sends the Vlens transaction id given in its event, and is allowed after a verdict.
/// - The transaction is final once verified, completed without verification, or failed; any later
///   step but `link` is then `rejected` with `transaction_final`, without calling Vlens.
/// - A Vlens `rejected` leaves the step open for another capture; `failed` ends the transaction.
public struct TransactionStateMachine: Hashable, Sendable {
    struct Progress: Hashable, Sendable {
        var vlensTransactionId: String?
        var completed: Set<CaptureStep> = []
        var verification: VerificationFlags = .none
        var verdict: TransactionVerdict?

        func resolution(_ outcome: ResultOutcome, error: ResultError? = nil, vlensTransactionId: String? = nil)
            -> StepResolution
        {
            StepResolution(
                outcome: outcome,
                isFinal: verdict != nil,
                verification: verification,
                vlensTransactionId: vlensTransactionId ?? self.vlensTransactionId,
                error: error
            )
        }
    }

    private enum State: Hashable, Sendable {
        /// No Vlens call outstanding.
        case idle(Progress)
        /// ``onCapture(_:)`` asked for this call; its outcome is due.
        case awaitingOutcome(Progress, VlensCall)
    }

    private var state: State

    /// A transaction nothing is known about yet.
    public init() {
        state = .idle(Progress())
    }

    init(progress: Progress, pending: VlensCall?) {
        state = pending.map { .awaitingOutcome(progress, $0) } ?? .idle(progress)
    }

    var progress: Progress {
        switch state {
        case .idle(let progress), .awaitingOutcome(let progress, _): progress
        }
    }

    /// The Vlens transaction id, once learned.
    public var vlensTransactionId: String? { progress.vlensTransactionId }
    /// The steps Vlens accepted.
    public var completedSteps: Set<CaptureStep> { progress.completed }
    /// The latest Vlens verdict flags.
    public var verification: VerificationFlags { progress.verification }
    /// How the transaction ended; `nil` while it is open.
    public var verdict: TransactionVerdict? { progress.verdict }
    /// Whether the transaction is terminal (results carry `final: true`).
    public var isFinal: Bool { progress.verdict != nil }
    /// The Vlens call whose outcome is due, if any.
    public var pendingCall: VlensCall? {
        if case .awaitingOutcome(_, let call) = state { return call }
        return nil
    }

    /// Re-opens a transaction that `failed` (Vlens could not be reached or refused our
    /// credentials), so a redriven capture is decided afresh. Other verdicts stay final.
    public mutating func reopenAfterFailure() {
        guard progress.verdict == .failed else { return }
        var reopened = progress
        reopened.verdict = nil
        state = .idle(reopened)
    }

    /// A capture arrived: what to do with it.
    public mutating func onCapture(_ capture: CaptureSubmitted) -> CaptureAction {
        onCapture(step: capture.step, vlensTransactionId: capture.vlensTransactionId)
    }

    /// A capture of `step` arrived, carrying `vlensTransactionId` if its event had one.
    ///
    /// A call still awaiting its outcome (the worker stopped mid-call and the capture was
    /// redelivered) is superseded: the new capture is decided afresh.
    public mutating func onCapture(step: CaptureStep, vlensTransactionId given: String?) -> CaptureAction {
        let progress = self.progress
        state = .idle(progress)
        if let verdict = progress.verdict, step != .link || verdict == .failed {
            return .resolve(
                progress.resolution(
                    .rejected,
                    error: ResultError(
                        code: .transactionFinal,
                        message: "the transaction is already final (\(verdict)); \(step) was not sent to Vlens",
                        retryable: false
                    )))
        }
        let vlensTransactionId: String?
        switch step.backing {
        case .idFront, .idBack:
            vlensTransactionId = progress.vlensTransactionId ?? given
        case .liveness:
            let missing = [CaptureStep.idFront, .idBack].filter { !progress.completed.contains($0) }
            if !missing.isEmpty {
                let names = missing.map(\.rawValue).joined(separator: " and ")
                return .resolve(
                    progress.resolution(
                        .rejected,
                        error: ResultError(
                            code: .livenessSidesMissing,
                            message: "liveness needs id_front and id_back to have succeeded first; missing: \(names)",
                            retryable: true,
                            missingSteps: missing
                        )))
            }
            vlensTransactionId = progress.vlensTransactionId ?? given
        case .link:
            vlensTransactionId = given ?? progress.vlensTransactionId
        }
        if step == .liveness || step == .link, vlensTransactionId == nil {
            return .resolve(
                progress.resolution(
                    .rejected,
                    error: ResultError(
                        code: .vlensTransactionUnknown,
                        message: "\(step) needs a Vlens transaction id and none is known",
                        retryable: false
                    )))
        }
        let call = VlensCall(step: step, vlensTransactionId: vlensTransactionId)
        state = .awaitingOutcome(progress, call)
        return .callVlens(call)
    }

    /// The outcome of the Vlens call ``onCapture(_:)`` asked for: the result fields to publish.
    ///
    /// Calling it with no call outstanding is a bug in the caller and traps.
    public mutating func onStepOutcome(_ outcome: StepOutcome) -> StepResolution {
        guard case .awaitingOutcome(var progress, let call) = state else {
            preconditionFailure("TransactionStateMachine.onStepOutcome without a pending Vlens call")
        }
        let isLink = call.step == .link
        let resolution: StepResolution
        switch outcome.backing {
        case .succeeded(let learned, let flags):
            if isLink {
                progress.vlensTransactionId = call.vlensTransactionId
            } else if progress.vlensTransactionId == nil {
                progress.vlensTransactionId = learned ?? call.vlensTransactionId
            }
            progress.completed.insert(call.step)
            if let flags {
                progress.verification = flags
                if flags.identityVerified {
                    progress.verdict = .verified
                } else if flags.processCompleted, call.step == .liveness || isLink {
                    progress.verdict = .notVerified
                }
            }
            resolution = progress.resolution(.succeeded)
        case .rejected(let error, let learned):
            if !isLink, progress.vlensTransactionId == nil {
                progress.vlensTransactionId = learned
            }
            resolution = progress.resolution(
                .rejected, error: error, vlensTransactionId: isLink ? call.vlensTransactionId : nil)
        case .failed(let error):
            if progress.verdict == nil {
                progress.verdict = .failed
            }
            resolution = progress.resolution(
                .failed, error: error, vlensTransactionId: isLink ? call.vlensTransactionId : nil)
        }
        state = .idle(progress)
        return resolution
    }
}
