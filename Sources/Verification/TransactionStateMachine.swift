/// The per-transaction (Kafka key) verification state machine: pure, no I/O.
///
/// It remembers the Vlens `transaction_id` learned from the first step, the steps that have
/// succeeded, the verdict so far (``Verdict``), whether a user is linked, and the sequence number
/// of the transaction's last result. Feed it a capture with ``onCapture(_:)``; it answers with a
/// ``CaptureAction``: call Vlens (then feed the outcome to ``onStepOutcome(_:)``), resolve at once,
/// or wait for other steps. The caller performs the side effects and persists the state (it is
/// `Codable`) with each result.
///
/// Rules:
/// - `id_front` and `id_back` may come in either order; the first gives the Vlens transaction id,
///   later steps send the stored one.
/// - `liveness` goes to Vlens only after both sides succeeded; before, it waits or is `rejected`
///   with `sides_missing`.
/// - `link` goes to Vlens once the transaction completed (liveness succeeded); before, it waits or
///   is `rejected` with `transaction_incomplete`. A link for a transaction this worker knows nothing
///   of is sent with the Vlens transaction id it names.
/// - The verdict is `verified` once Vlens verified the identity and a user is linked (a step sent
///   with a user token, or a link); an API-key-only transaction Vlens verified is `pending` with
///   `user_not_linked` until its link succeeds.
/// - A reason's ``VerdictReason/effect`` decides the rest: `not_verified` is final; `failed` lasts
///   until a step succeeds. `final` never goes from true back to false; any step but `link` after
///   it is `rejected` with `transaction_final`, without calling Vlens.
/// - Every resolution takes the next ``sequence`` number.
public struct TransactionStateMachine: Hashable, Sendable {
    struct Progress: Hashable, Sendable {
        var vlensTransactionId: String?
        var completed: Set<CaptureStep> = []
        var verification: VerificationFlags = .none
        var status: VerdictStatus = .pending
        var reason: VerdictReason?
        var vlensErrorCode: String?
        var userLinked = false
        var sequence = 0

        var verdict: Verdict { Verdict(status: status, reason: reason, vlensErrorCode: vlensErrorCode) }

        /// Applies `reason` (from a rejection or a failure), unless the verdict is already final.
        mutating func apply(_ reason: VerdictReason, vlensErrorCode: String?) {
            guard !status.isFinal else { return }
            // `failed` ends only with a step that succeeds (or one that settles the transaction):
            // a capture refused on the way (sides missing, image quality) leaves the failure showing.
            if status == .failed, reason.effect == .keepsOpen { return }
            switch reason.effect {
            case .keepsOpen: status = .pending
            case .settlesNotVerified: status = .notVerified
            case .fails: status = .failed
            }
            self.reason = reason
            self.vlensErrorCode = vlensErrorCode
        }

        /// The next result's fields; takes the next sequence number.
        mutating func resolution(_ outcome: ResultOutcome, error: ResultError? = nil, vlensTransactionId: String? = nil)
            -> StepResolution
        {
            sequence += 1
            return StepResolution(
                outcome: outcome,
                isFinal: status.isFinal,
                verification: verification,
                vlensTransactionId: vlensTransactionId ?? self.vlensTransactionId,
                error: error,
                verdict: verdict,
                sequence: sequence,
                userLinked: userLinked,
                stepsCompleted: CaptureStep.allCases.filter(completed.contains)
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
    /// The latest Vlens flags.
    public var verification: VerificationFlags { progress.verification }
    /// The verdict so far.
    public var verdict: Verdict { progress.verdict }
    /// Whether a user is linked to the transaction.
    public var userLinked: Bool { progress.userLinked }
    /// The sequence number of the transaction's last result (0 before the first).
    public var sequence: Int { progress.sequence }
    /// Whether the verdict is final (results carry `final: true`).
    public var isFinal: Bool { progress.status.isFinal }
    /// The Vlens call whose outcome is due, if any.
    public var pendingCall: VlensCall? {
        if case .awaitingOutcome(_, let call) = state { return call }
        return nil
    }

    /// A capture arrived: what to do with it. After `.resolve` or `.awaitSteps` the machine holds
    /// the state as of that resolution (persist it only if the resolution is published).
    public mutating func onCapture(_ capture: CaptureSubmitted) -> CaptureAction {
        onCapture(step: capture.step, vlensTransactionId: capture.vlensTransactionId)
    }

    /// A capture of `step` arrived, carrying `vlensTransactionId` if its event had one.
    ///
    /// A call still awaiting its outcome (the worker stopped mid-call and the capture was
    /// redelivered) is superseded: the new capture is decided afresh.
    public mutating func onCapture(step: CaptureStep, vlensTransactionId given: String?) -> CaptureAction {
        var progress = self.progress
        defer { if pendingCall == nil { state = .idle(progress) } }
        state = .idle(progress)
        // A link is still sent to a final transaction whose liveness completed (linking it is what a
        // link is for); one settled before (a spoofed or expired side) has nothing to link.
        if progress.status.isFinal, step != .link || !progress.completed.contains(.liveness) {
            return .resolve(
                progress.resolution(
                    .rejected,
                    error: ResultError(
                        code: .transactionFinal,
                        message: "the transaction is already final (\(progress.status)); \(step) was not sent to Vlens",
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
                progress.apply(.sidesMissing, vlensErrorCode: nil)
                let names = missing.map(\.rawValue).joined(separator: " and ")
                return .awaitSteps(
                    progress.resolution(
                        .rejected,
                        error: ResultError(
                            code: .livenessSidesMissing,
                            message: "liveness needs id_front and id_back to have succeeded first; missing: \(names)",
                            retryable: VerdictReason.sidesMissing.isRetryable,
                            missingSteps: missing
                        )))
            }
            vlensTransactionId = progress.vlensTransactionId ?? given
        case .link:
            // Any result of it before (even one that got no Vlens id) makes the transaction ours.
            let known = progress.vlensTransactionId != nil || !progress.completed.isEmpty || progress.sequence > 0
            if progress.completed.contains(.liveness) || progress.status.isFinal {
                vlensTransactionId = progress.vlensTransactionId ?? given
            } else if !known, let given {
                vlensTransactionId = given  // a transaction captured elsewhere
            } else {
                progress.apply(.transactionIncomplete, vlensErrorCode: nil)
                let missing = CaptureStep.allCases.filter { $0 != .link && !progress.completed.contains($0) }
                return .awaitSteps(
                    progress.resolution(
                        .rejected,
                        error: ResultError(
                            code: .transactionIncomplete,
                            message: "link needs its transaction to have completed (liveness succeeded) first",
                            retryable: VerdictReason.transactionIncomplete.isRetryable,
                            missingSteps: missing
                        )))
            }
        }
        if step == .liveness, vlensTransactionId == nil {
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

    /// The result of a capture that broke its contract but named this transaction: the verdict is
    /// unchanged, except that an open transaction's reason becomes `invalid_capture`.
    public mutating func onInvalidCapture(_ error: ResultError) -> StepResolution {
        var progress = self.progress
        var error = error
        if progress.status.isFinal {
            error.retryable = false  // nothing a new capture sends can change a final verdict
        } else if progress.reason != .userNotLinked {
            // An open transaction names the bad capture; one that waits for its link keeps saying so.
            progress.apply(.invalidCapture, vlensErrorCode: nil)
        }
        let resolution = progress.resolution(.invalid, error: error)
        state = .idle(progress)
        return resolution
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
        case .succeeded(let learned, let flags, let amlMatched, let registryInvalid, let linked):
            if isLink {
                progress.vlensTransactionId = progress.vlensTransactionId ?? call.vlensTransactionId
            } else if progress.vlensTransactionId == nil {
                progress.vlensTransactionId = learned ?? call.vlensTransactionId
            }
            progress.completed.insert(call.step)
            if linked { progress.userLinked = true }
            if !progress.status.isFinal {
                progress.status = .pending
                progress.reason = nil
                progress.vlensErrorCode = nil
            }
            if let flags { progress.verification = flags }
            let verification = progress.verification
            let concludes = call.step == .liveness || isLink
            if concludes, verification.processCompleted || verification.identityVerified {
                if amlMatched {
                    progress.apply(.amlMatch, vlensErrorCode: nil)
                } else if !verification.identityVerified || registryInvalid {
                    progress.apply(.authorityCheckFailed, vlensErrorCode: nil)
                } else if !progress.userLinked {
                    progress.apply(.userNotLinked, vlensErrorCode: nil)
                } else if !progress.status.isFinal {
                    progress.status = .verified
                }
            } else if call.step == .liveness || (isLink && progress.completed.contains(.liveness)), !progress.status.isFinal {
                // Vlens took the liveness (or the link after it) but did not complete the verification
                // process: no step is left to come, so a bare `pending` would have downstream wait for nothing.
                progress.apply(.transactionIncomplete, vlensErrorCode: nil)
            }
            resolution = progress.resolution(.succeeded)
        case .rejected(let error, let reason, let learned):
            if !isLink, progress.vlensTransactionId == nil {
                progress.vlensTransactionId = learned
            }
            progress.apply(reason, vlensErrorCode: error.vlensErrorCode)
            resolution = progress.resolution(
                .rejected, error: error, vlensTransactionId: isLink ? call.vlensTransactionId : nil)
        case .failed(let error, let reason):
            progress.apply(reason, vlensErrorCode: error.vlensErrorCode)
            resolution = progress.resolution(
                .failed, error: error, vlensTransactionId: isLink ? call.vlensTransactionId : nil)
        }
        state = .idle(progress)
        return resolution
    }
}
