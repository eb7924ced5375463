import Foundation
import Testing
import Verification

@Suite("The transaction state machine")
struct TransactionStateMachineTests {
    static let verified = VerificationFlags(processCompleted: true, identityVerified: true)
    static let notVerified = VerificationFlags(processCompleted: true, identityVerified: false)
    static let quality = ResultError(
        code: .vlensRejected, message: "image quality too low", retryable: true, vlensErrorCode: "1050")
    static let exhausted = ResultError(code: .retriesExhausted, message: "retry budget exhausted", retryable: true)

    /// Expects a call to Vlens and returns it.
    func expectCall(_ action: CaptureAction, sourceLocation: SourceLocation = #_sourceLocation) -> VlensCall? {
        guard case .callVlens(let call) = action else {
            Issue.record("expected a Vlens call, got \(action)", sourceLocation: sourceLocation)
            return nil
        }
        return call
    }

    /// Expects a local resolution and returns it.
    func expectResolved(_ action: CaptureAction, sourceLocation: SourceLocation = #_sourceLocation) -> StepResolution? {
        guard case .resolve(let resolution) = action else {
            Issue.record("expected a local resolution, got \(action)", sourceLocation: sourceLocation)
            return nil
        }
        return resolution
    }

    /// Expects the capture to wait for other steps and returns the resolution it would get if it did not.
    func expectAwait(_ action: CaptureAction, sourceLocation: SourceLocation = #_sourceLocation) -> StepResolution? {
        guard case .awaitSteps(let resolution) = action else {
            Issue.record("expected to wait for other steps, got \(action)", sourceLocation: sourceLocation)
            return nil
        }
        return resolution
    }

    /// Runs one step that Vlens accepts.
    func succeed(
        _ machine: inout TransactionStateMachine, _ step: CaptureStep, id: String? = "vl-1",
        flags: VerificationFlags? = nil, given: String? = nil, aml: Bool = false, linked: Bool = true
    ) -> StepResolution? {
        guard expectCall(machine.onCapture(step: step, vlensTransactionId: given)) != nil else { return nil }
        return machine.onStepOutcome(.succeeded(vlensTransactionId: id, verification: flags, amlMatched: aml, userLinked: linked))
    }

    @Test("front, back, liveness: later steps send the first step's Vlens id; sequence 1, 2, 3; verified and final at the end")
    func happyPath() throws {
        var machine = TransactionStateMachine()
        let front = try #require(expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil)))
        #expect(front == VlensCall(step: .idFront, vlensTransactionId: nil))
        let r1 = machine.onStepOutcome(.succeeded(vlensTransactionId: "vl-1"))
        #expect(
            r1 == StepResolution(
                outcome: .succeeded, isFinal: false, verification: .none, vlensTransactionId: "vl-1",
                verdict: Verdict(status: .pending), sequence: 1, userLinked: true, stepsCompleted: [.idFront]))
        #expect(r1.verdict.retryable == false && r1.verdict.reason == nil)
        #expect(
            expectCall(machine.onCapture(step: .idBack, vlensTransactionId: nil))
                == VlensCall(step: .idBack, vlensTransactionId: "vl-1"))
        let r2 = machine.onStepOutcome(.succeeded(vlensTransactionId: nil))
        #expect(r2.isFinal == false && r2.sequence == 2 && r2.stepsCompleted == [.idFront, .idBack])
        #expect(
            expectCall(machine.onCapture(step: .liveness, vlensTransactionId: nil))
                == VlensCall(step: .liveness, vlensTransactionId: "vl-1"))
        let r3 = machine.onStepOutcome(.succeeded(vlensTransactionId: "vl-1", verification: Self.verified))
        #expect(r3.isFinal && r3.sequence == 3 && r3.verdict == Verdict(status: .verified) && r3.verification == Self.verified)
        #expect(machine.verdict.status == .verified)
        #expect(machine.completedSteps == [.idFront, .idBack, .liveness])
    }

    @Test("back before front: the back learns the Vlens id and the front sends it")
    func backFirst() {
        var machine = TransactionStateMachine()
        #expect(succeed(&machine, .idBack, id: "vl-back")?.vlensTransactionId == "vl-back")
        #expect(
            expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))
                == VlensCall(step: .idFront, vlensTransactionId: "vl-back"))
        _ = machine.onStepOutcome(.succeeded(vlensTransactionId: "vl-other"))
        #expect(machine.vlensTransactionId == "vl-back")
        #expect(
            expectCall(machine.onCapture(step: .liveness, vlensTransactionId: nil))?.vlensTransactionId == "vl-back")
    }

    @Test(
        "liveness before both sides waits, or is rejected with sides_missing naming what is missing",
        arguments: [
            ([CaptureStep](), [CaptureStep.idFront, .idBack]),
            ([.idFront], [.idBack]),
            ([.idBack], [.idFront]),
        ])
    func earlyLiveness(done: [CaptureStep], missing: [CaptureStep]) throws {
        var machine = TransactionStateMachine()
        for step in done { _ = succeed(&machine, step) }
        let resolution = try #require(expectAwait(machine.onCapture(step: .liveness, vlensTransactionId: nil)))
        #expect(resolution.outcome == .rejected)
        #expect(resolution.isFinal == false)
        #expect(resolution.error?.code == .livenessSidesMissing)
        #expect(resolution.error?.missingSteps == missing)
        #expect(resolution.error?.retryable == true)
        #expect(resolution.verdict == Verdict(status: .pending, reason: .sidesMissing))
        #expect(resolution.sequence == done.count + 1)
        for step in missing { #expect(resolution.error?.message.contains(step.rawValue) == true) }
        #expect(machine.pendingCall == nil)
    }

    @Test("a rejected side stays open with its reason; a new capture of the side clears it")
    func rejectedSide() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        _ = expectCall(machine.onCapture(step: .idBack, vlensTransactionId: nil))
        let rejected = machine.onStepOutcome(.rejected(Self.quality, reason: .imageQuality))
        #expect(rejected.outcome == .rejected && !rejected.isFinal && rejected.error == Self.quality)
        #expect(rejected.verdict == Verdict(status: .pending, reason: .imageQuality, vlensErrorCode: "1050"))
        #expect(rejected.verdict.retryable)
        #expect(expectAwait(machine.onCapture(step: .liveness, vlensTransactionId: nil))?.error?.missingSteps == [.idBack])
        let again = succeed(&machine, .idBack)
        #expect(again?.outcome == .succeeded && again?.verdict == Verdict(status: .pending))
        #expect(expectCall(machine.onCapture(step: .liveness, vlensTransactionId: nil)) != nil)
    }

    @Test("a rejected first step still teaches the Vlens id when Vlens gave one")
    func rejectionLearnsId() {
        var machine = TransactionStateMachine()
        _ = expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))
        #expect(machine.onStepOutcome(.rejected(Self.quality, reason: .imageQuality, vlensTransactionId: "vl-9")).vlensTransactionId == "vl-9")
        #expect(expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))?.vlensTransactionId == "vl-9")
    }

    @Test("repeating a succeeded side calls Vlens again with the stored id")
    func repeatedSide() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        #expect(succeed(&machine, .idFront, id: "vl-2")?.vlensTransactionId == "vl-1")
        #expect(machine.completedSteps == [.idFront])
    }

    @Test("a failed liveness leaves liveness open; completed without identity verification is not_verified and final")
    func livenessOutcomes() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        _ = succeed(&machine, .idBack)
        _ = expectCall(machine.onCapture(step: .liveness, vlensTransactionId: nil))
        let failed = machine.onStepOutcome(
            .rejected(ResultError(code: .vlensRejected, message: "liveness failed", retryable: true), reason: .livenessFailed))
        #expect(failed.isFinal == false && failed.verdict.status == .pending && failed.verdict.reason == .livenessFailed)
        let incomplete = succeed(&machine, .liveness, flags: VerificationFlags(processCompleted: false, identityVerified: false))
        #expect(incomplete?.isFinal == false)
        #expect(incomplete?.verdict == Verdict(status: .pending, reason: .transactionIncomplete), "a liveness Vlens did not complete says why it is still pending")
        #expect(incomplete?.verdict.retryable == true)
        let unflagged = succeed(&machine, .liveness, flags: nil)
        #expect(unflagged?.verdict == Verdict(status: .pending, reason: .transactionIncomplete), "so does one without the flags")
        var linking = machine
        let link = succeed(&linking, .link, flags: nil)
        #expect(link?.verdict == Verdict(status: .pending, reason: .transactionIncomplete), "and a link after it that completes nothing")
        let last = succeed(&machine, .liveness, flags: Self.notVerified)
        #expect(last?.isFinal == true && last?.verification == Self.notVerified)
        #expect(last?.verdict == Verdict(status: .notVerified, reason: .authorityCheckFailed))
        #expect(last?.verdict.retryable == false)
    }

    @Test("an AML match makes a transaction Vlens verified not_verified, final")
    func amlMatch() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        _ = succeed(&machine, .idBack)
        let last = succeed(&machine, .liveness, flags: Self.verified, aml: true)
        #expect(last?.isFinal == true && last?.verdict == Verdict(status: .notVerified, reason: .amlMatch))
    }

    @Test("a failed registry check (SRC isValid false) is authority_check_failed, even where Vlens says verified")
    func registryInvalid() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        _ = succeed(&machine, .idBack)
        _ = expectCall(machine.onCapture(step: .liveness, vlensTransactionId: nil))
        let last = machine.onStepOutcome(.succeeded(vlensTransactionId: nil, verification: Self.verified, registryInvalid: true))
        #expect(last.isFinal && last.verdict == Verdict(status: .notVerified, reason: .authorityCheckFailed))
    }

    @Test(
        "after a final verdict every step but link is rejected locally as transaction_final; final stays, sequence grows",
        arguments: [CaptureStep.idFront, .idBack, .liveness])
    func finality(step: CaptureStep) throws {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        _ = succeed(&machine, .idBack)
        _ = succeed(&machine, .liveness, flags: Self.verified)
        let resolution = try #require(expectResolved(machine.onCapture(step: step, vlensTransactionId: nil)))
        #expect(resolution.outcome == .rejected)
        #expect(resolution.isFinal)
        #expect(resolution.sequence == 4)
        #expect(resolution.verdict == Verdict(status: .verified))
        #expect(resolution.error?.code == .transactionFinal)
        #expect(resolution.error?.retryable == false)
        #expect(machine.sequence == 4)
    }

    @Test("failed is not final: the transaction is failed until a step succeeds, and later steps are still sent")
    func failedIsNotFinal() {
        var machine = TransactionStateMachine()
        _ = expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))
        let failed = machine.onStepOutcome(.failed(Self.exhausted, reason: .vlensUnavailable))
        #expect(failed.outcome == .failed && !failed.isFinal && failed.error == Self.exhausted)
        #expect(failed.verdict == Verdict(status: .failed, reason: .vlensUnavailable) && failed.verdict.retryable)
        #expect(succeed(&machine, .idBack, id: "vl-b")?.verdict == Verdict(status: .pending))
        #expect(succeed(&machine, .idFront)?.stepsCompleted == [.idFront, .idBack])
        #expect(succeed(&machine, .liveness, flags: Self.verified)?.isFinal == true)
    }

    @Test("a judgement of Vlens (spoof, expired ID, name mismatch) settles the transaction not_verified, final")
    func judgementsSettle() {
        for reason in [VerdictReason.spoofDetected, .idExpired, .nameMismatch] {
            var machine = TransactionStateMachine()
            _ = expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))
            let rejected = machine.onStepOutcome(.rejected(Self.quality, reason: reason))
            #expect(rejected.isFinal && rejected.verdict.status == .notVerified && rejected.verdict.reason == reason)
            #expect(expectResolved(machine.onCapture(step: .idBack, vlensTransactionId: nil))?.error?.code == .transactionFinal)
            let link = expectResolved(machine.onCapture(step: .link, vlensTransactionId: nil))
            #expect(link?.error?.code == .transactionFinal, "a transaction settled before its liveness has nothing to link")
        }
    }

    @Test("API-key-only: Vlens's verified liveness is pending user_not_linked until the link; then verified and final")
    func apiKeyOnly() throws {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront, linked: false)
        _ = succeed(&machine, .idBack, linked: false)
        let liveness = try #require(succeed(&machine, .liveness, flags: Self.verified, linked: false))
        #expect(!liveness.isFinal && !liveness.userLinked)
        #expect(liveness.verdict == Verdict(status: .pending, reason: .userNotLinked) && liveness.verdict.retryable)
        #expect(
            expectCall(machine.onCapture(step: .link, vlensTransactionId: nil)) == VlensCall(step: .link, vlensTransactionId: "vl-1"))
        let linked = machine.onStepOutcome(.succeeded(vlensTransactionId: nil, verification: Self.verified))
        #expect(linked.isFinal && linked.userLinked && linked.verdict == Verdict(status: .verified))
        #expect(linked.stepsCompleted == [.idFront, .idBack, .liveness, .link])
    }

    @Test("a link before its transaction completed waits, or is rejected transaction_incomplete")
    func linkBeforeCompletion() throws {
        var machine = TransactionStateMachine()
        let first = try #require(expectAwait(machine.onCapture(step: .link, vlensTransactionId: nil)))
        #expect(first.error?.code == .transactionIncomplete && first.error?.missingSteps == [.idFront, .idBack, .liveness])
        #expect(first.verdict == Verdict(status: .pending, reason: .transactionIncomplete))
        var other = TransactionStateMachine()
        _ = succeed(&other, .idFront, linked: false)
        #expect(expectAwait(other.onCapture(step: .link, vlensTransactionId: "vl-1"))?.error?.missingSteps == [.idBack, .liveness])
    }

    @Test("a link for a transaction this worker does not know is sent with the Vlens id it names")
    func linkElsewhere() {
        var machine = TransactionStateMachine()
        #expect(
            expectCall(machine.onCapture(step: .link, vlensTransactionId: "vl-api-key"))
                == VlensCall(step: .link, vlensTransactionId: "vl-api-key"))
        let linked = machine.onStepOutcome(.succeeded(vlensTransactionId: nil, verification: Self.verified))
        #expect(linked.isFinal && linked.vlensTransactionId == "vl-api-key" && linked.verdict.status == .verified)
        #expect(machine.vlensTransactionId == "vl-api-key")
    }

    @Test("link after a verified transaction is still sent, and its failure keeps the verdict and finality")
    func linkAfterVerified() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront, id: "vl-1")
        _ = succeed(&machine, .idBack)
        _ = succeed(&machine, .liveness, flags: Self.verified)
        #expect(
            expectCall(machine.onCapture(step: .link, vlensTransactionId: "vl-other"))
                == VlensCall(step: .link, vlensTransactionId: "vl-1"))
        let failed = machine.onStepOutcome(.failed(Self.exhausted, reason: .vlensUnavailable))
        #expect(failed.outcome == .failed && failed.isFinal && failed.verdict == Verdict(status: .verified))
    }

    @Test("an invalid capture keeps the verdict, names invalid_capture on an open transaction, and takes a sequence")
    func invalidCapture() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        let invalid = machine.onInvalidCapture(ResultError(code: .invalidEvent, message: "step: unknown", retryable: true))
        #expect(invalid.outcome == .invalid && invalid.sequence == 2 && invalid.verdict == Verdict(status: .pending, reason: .invalidCapture))
        _ = succeed(&machine, .idBack)
        _ = succeed(&machine, .liveness, flags: Self.verified)
        let late = machine.onInvalidCapture(ResultError(code: .invalidEvent, message: "step: unknown", retryable: true))
        #expect(late.isFinal && late.verdict == Verdict(status: .verified) && late.sequence == 5)
        #expect(late.error?.retryable == false, "nothing a new capture sends changes a final verdict")
    }

    @Test("failed stays until a step succeeds: an invalid capture or a keep-open rejection on the way leaves it showing")
    func failedOutlastsRefusals() {
        var machine = TransactionStateMachine()
        _ = expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))
        _ = machine.onStepOutcome(.failed(Self.exhausted, reason: .vlensUnavailable))
        let invalid = machine.onInvalidCapture(ResultError(code: .invalidEvent, message: "step: unknown", retryable: true))
        #expect(invalid.verdict == Verdict(status: .failed, reason: .vlensUnavailable))
        let early = expectAwait(machine.onCapture(step: .liveness, vlensTransactionId: nil))
        #expect(early?.verdict == Verdict(status: .failed, reason: .vlensUnavailable))
        #expect(succeed(&machine, .idFront)?.verdict == Verdict(status: .pending))
    }

    @Test("a transaction waiting for its link keeps user_not_linked through an invalid capture")
    func invalidKeepsLinkWait() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront, linked: false)
        _ = succeed(&machine, .idBack, linked: false)
        let verified = succeed(&machine, .liveness, flags: Self.verified, linked: false)
        #expect(verified?.verdict == Verdict(status: .pending, reason: .userNotLinked))
        let invalid = machine.onInvalidCapture(ResultError(code: .invalidEvent, message: "step: unknown", retryable: true))
        #expect(invalid.verdict == Verdict(status: .pending, reason: .userNotLinked))
    }

    @Test("a link is not taken for one captured elsewhere once the transaction has any result here")
    func linkAfterAnyResultIsOurs() {
        var machine = TransactionStateMachine()
        _ = expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))
        _ = machine.onStepOutcome(.failed(Self.exhausted, reason: .vlensUnavailable))
        let link = expectAwait(machine.onCapture(step: .link, vlensTransactionId: "vl-elsewhere"))
        #expect(link?.error?.code == .transactionIncomplete)
    }

    @Test("a capture redelivered while its call was outstanding supersedes the pending call")
    func redeliveryMidCall() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        let first = expectCall(machine.onCapture(step: .idBack, vlensTransactionId: nil))
        #expect(machine.pendingCall == first)
        #expect(expectCall(machine.onCapture(step: .idBack, vlensTransactionId: nil)) == first)
        #expect(machine.onStepOutcome(.succeeded(vlensTransactionId: nil)).outcome == .succeeded)
        #expect(machine.pendingCall == nil)
    }

    @Test("the state survives a JSON round trip at every point, pending call included; version 1 states are read")
    func codable() throws {
        var machine = TransactionStateMachine()
        func roundTrip() throws {
            let data = try JSONEncoder().encode(machine)
            #expect(try JSONDecoder().decode(TransactionStateMachine.self, from: data) == machine)
        }
        try roundTrip()
        _ = succeed(&machine, .idBack, id: "vl-1")
        try roundTrip()
        _ = expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))
        try roundTrip()
        var restored = try JSONDecoder().decode(TransactionStateMachine.self, from: JSONEncoder().encode(machine))
        #expect(restored.onStepOutcome(.succeeded(vlensTransactionId: nil)).outcome == .succeeded)
        _ = machine.onStepOutcome(.succeeded(vlensTransactionId: nil))
        _ = succeed(&machine, .liveness, flags: Self.verified)
        try roundTrip()
        let json = String(decoding: try JSONEncoder().encode(machine), as: UTF8.self)
        #expect(json.contains("\"version\":2") && json.contains("\"status\":\"verified\"") && json.contains("\"sequence\":3"))
        let legacy = try JSONDecoder().decode(
            TransactionStateMachine.self,
            from: Data(#"{"version":1,"vlensTransactionId":"vl-1","completedSteps":["id_front","id_back","liveness"],"verification":{"processCompleted":true,"identityVerified":true},"verdict":"verified"}"#.utf8))
        #expect(legacy.isFinal && legacy.userLinked && legacy.sequence == 0)
        let legacyFailed = try JSONDecoder().decode(
            TransactionStateMachine.self,
            from: Data(#"{"version":1,"completedSteps":[],"verification":{"processCompleted":false,"identityVerified":false},"verdict":"failed"}"#.utf8))
        #expect(!legacyFailed.isFinal && legacyFailed.verdict.status == .failed)
        #expect(throws: ContractError.self) {
            try JSONDecoder().decode(
                TransactionStateMachine.self,
                from: Data(#"{"version":3,"completedSteps":[],"verification":{"processCompleted":false,"identityVerified":false}}"#.utf8))
        }
    }

    @Test("every order of the three capture steps ends verified exactly when liveness comes after both sides")
    func allOrders() {
        let steps: [CaptureStep] = [.idFront, .idBack, .liveness]
        let orders = steps.flatMap { a in
            steps.filter { $0 != a }.flatMap { b in steps.filter { $0 != a && $0 != b }.map { [a, b, $0] } }
        }
        #expect(orders.count == 6)
        for order in orders {
            var machine = TransactionStateMachine()
            for step in order {
                switch machine.onCapture(step: step, vlensTransactionId: nil) {
                case .callVlens:
                    _ = machine.onStepOutcome(
                        .succeeded(vlensTransactionId: "vl-1", verification: step == .liveness ? Self.verified : nil))
                case .resolve(let resolution), .awaitSteps(let resolution):
                    #expect(step == .liveness && resolution.error?.code == .livenessSidesMissing)
                }
            }
            #expect(machine.isFinal == (order.last == .liveness), "order \(order)")
        }
    }

    @Test("over random outcomes, final never goes back to false and the sequence grows by one per result")
    func monotonic() {
        var generator = SystemRandomNumberGenerator()
        let reasons = VerdictReason.allCases
        for _ in 0..<300 {
            var machine = TransactionStateMachine()
            var wasFinal = false
            var last = 0
            for _ in 0..<12 {
                let step = CaptureStep.allCases.randomElement(using: &generator)!
                let resolution: StepResolution
                switch machine.onCapture(step: step, vlensTransactionId: "vl-x") {
                case .resolve(let local), .awaitSteps(let local): resolution = local
                case .callVlens:
                    let reason = reasons.randomElement(using: &generator)!
                    let error = ResultError(code: .vlensRejected, message: "no", retryable: reason.isRetryable)
                    switch Int.random(in: 0..<4, using: &generator) {
                    case 0: resolution = machine.onStepOutcome(.rejected(error, reason: reason))
                    case 1: resolution = machine.onStepOutcome(.failed(error, reason: reason))
                    case 2: resolution = machine.onStepOutcome(.succeeded(vlensTransactionId: "vl-x", verification: Self.verified, userLinked: Bool.random(using: &generator)))
                    default: resolution = machine.onStepOutcome(.succeeded(vlensTransactionId: "vl-x"))
                    }
                }
                #expect(resolution.sequence == last + 1)
                #expect(!wasFinal || resolution.isFinal, "final went back to false")
                #expect(resolution.isFinal == resolution.verdict.status.isFinal)
                last = resolution.sequence
                wasFinal = resolution.isFinal
            }
        }
    }
}
