import Foundation
import Testing
import Verification

@Suite("The transaction state machine")
struct TransactionStateMachineTests {
    static let verified = VerificationFlags(processCompleted: true, identityVerified: true)
    static let notVerified = VerificationFlags(processCompleted: true, identityVerified: false)
    static let quality = ResultError(
        code: .vlensRejected, message: "image quality too low", retryable: true, vlensErrorCode: "1050")
    static let exhausted = ResultError(code: .retriesExhausted, message: "retry budget exhausted", retryable: false)

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

    /// Runs one step that Vlens accepts.
    func succeed(
        _ machine: inout TransactionStateMachine, _ step: CaptureStep, id: String? = "vl-1",
        flags: VerificationFlags? = nil, given: String? = nil
    ) -> StepResolution? {
        guard expectCall(machine.onCapture(step: step, vlensTransactionId: given)) != nil else { return nil }
        return machine.onStepOutcome(.succeeded(vlensTransactionId: id, verification: flags))
    }

    @Test(
        "front then back then liveness: the first step's Vlens id is sent by later steps, and a verified liveness is final"
    )
    func happyPath() throws {
        var machine = TransactionStateMachine()
        let front = try #require(expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil)))
        #expect(front == VlensCall(step: .idFront, vlensTransactionId: nil))
        let r1 = machine.onStepOutcome(.succeeded(vlensTransactionId: "vl-1"))
        #expect(
            r1 == StepResolution(outcome: .succeeded, isFinal: false, verification: .none, vlensTransactionId: "vl-1"))
        #expect(
            expectCall(machine.onCapture(step: .idBack, vlensTransactionId: nil))
                == VlensCall(step: .idBack, vlensTransactionId: "vl-1"))
        #expect(machine.onStepOutcome(.succeeded(vlensTransactionId: nil)).isFinal == false)
        #expect(
            expectCall(machine.onCapture(step: .liveness, vlensTransactionId: nil))
                == VlensCall(step: .liveness, vlensTransactionId: "vl-1"))
        let r3 = machine.onStepOutcome(.succeeded(vlensTransactionId: "vl-1", verification: Self.verified))
        #expect(
            r3
                == StepResolution(
                    outcome: .succeeded, isFinal: true, verification: Self.verified, vlensTransactionId: "vl-1"))
        #expect(machine.verdict == .verified)
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
        "liveness before both sides succeeded is rejected locally, naming what is missing",
        arguments: [
            ([CaptureStep](), [CaptureStep.idFront, .idBack]),
            ([.idFront], [.idBack]),
            ([.idBack], [.idFront]),
        ])
    func earlyLiveness(done: [CaptureStep], missing: [CaptureStep]) throws {
        var machine = TransactionStateMachine()
        for step in done { _ = succeed(&machine, step) }
        let before = machine
        let resolution = try #require(expectResolved(machine.onCapture(step: .liveness, vlensTransactionId: nil)))
        #expect(resolution.outcome == .rejected)
        #expect(resolution.isFinal == false)
        #expect(resolution.error?.code == .livenessSidesMissing)
        #expect(resolution.error?.missingSteps == missing)
        #expect(resolution.error?.retryable == true)
        for step in missing { #expect(resolution.error?.message.contains(step.rawValue) == true) }
        #expect(machine == before, "a local rejection leaves the state unchanged")
        #expect(machine.pendingCall == nil)
    }

    @Test("a rejected side stays open: liveness still waits for it, and a new capture of the side is sent again")
    func rejectedSide() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        _ = expectCall(machine.onCapture(step: .idBack, vlensTransactionId: nil))
        let rejected = machine.onStepOutcome(.rejected(Self.quality))
        #expect(rejected.outcome == .rejected && !rejected.isFinal && rejected.error == Self.quality)
        #expect(
            expectResolved(machine.onCapture(step: .liveness, vlensTransactionId: nil))?.error?.missingSteps == [
                .idBack
            ])
        #expect(succeed(&machine, .idBack)?.outcome == .succeeded)
        #expect(expectCall(machine.onCapture(step: .liveness, vlensTransactionId: nil)) != nil)
    }

    @Test("a rejected first step still teaches the Vlens id when Vlens gave one")
    func rejectionLearnsId() {
        var machine = TransactionStateMachine()
        _ = expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))
        #expect(machine.onStepOutcome(.rejected(Self.quality, vlensTransactionId: "vl-9")).vlensTransactionId == "vl-9")
        #expect(expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))?.vlensTransactionId == "vl-9")
    }

    @Test("repeating a succeeded side calls Vlens again with the stored id")
    func repeatedSide() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        #expect(succeed(&machine, .idFront, id: "vl-2")?.vlensTransactionId == "vl-1")
        #expect(machine.completedSteps == [.idFront])
    }

    @Test("a failed liveness attempt leaves liveness open; a completed but unverified liveness is final")
    func livenessOutcomes() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        _ = succeed(&machine, .idBack)
        _ = expectCall(machine.onCapture(step: .liveness, vlensTransactionId: nil))
        #expect(
            machine.onStepOutcome(
                .rejected(ResultError(code: .facesIdentical, message: "faces identical", retryable: true))
            ).isFinal == false)
        #expect(
            succeed(&machine, .liveness, flags: VerificationFlags(processCompleted: false, identityVerified: false))?
                .isFinal == false)
        let last = succeed(&machine, .liveness, flags: Self.notVerified)
        #expect(last?.isFinal == true && last?.verification == Self.notVerified)
        #expect(machine.verdict == .notVerified)
    }

    @Test(
        "after a final verdict every step but link is rejected locally as transaction_final",
        arguments: [CaptureStep.idFront, .idBack, .liveness])
    func finality(step: CaptureStep) throws {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront)
        _ = succeed(&machine, .idBack)
        _ = succeed(&machine, .liveness, flags: Self.verified)
        let resolution = try #require(expectResolved(machine.onCapture(step: step, vlensTransactionId: nil)))
        #expect(resolution.outcome == .rejected)
        #expect(resolution.isFinal)
        #expect(resolution.verification == Self.verified)
        #expect(resolution.error?.code == .transactionFinal)
        #expect(resolution.error?.retryable == false)
    }

    @Test("failed ends the transaction: final, and later steps (link too) are not sent")
    func failedIsTerminal() {
        var machine = TransactionStateMachine()
        _ = expectCall(machine.onCapture(step: .idFront, vlensTransactionId: nil))
        let failed = machine.onStepOutcome(.failed(Self.exhausted))
        #expect(failed.outcome == .failed && failed.isFinal && failed.error == Self.exhausted)
        #expect(machine.verdict == .failed)
        for step in CaptureStep.allCases {
            #expect(
                expectResolved(machine.onCapture(step: step, vlensTransactionId: "vl-x"))?.error?.code
                    == .transactionFinal)
        }
    }

    @Test("link sends the Vlens id given in the event, adopts it, and takes the verdict from Vlens")
    func link() {
        var machine = TransactionStateMachine()
        #expect(
            expectCall(machine.onCapture(step: .link, vlensTransactionId: "vl-api-key"))
                == VlensCall(step: .link, vlensTransactionId: "vl-api-key"))
        let linked = machine.onStepOutcome(.succeeded(vlensTransactionId: nil, verification: Self.verified))
        #expect(
            linked
                == StepResolution(
                    outcome: .succeeded, isFinal: true, verification: Self.verified, vlensTransactionId: "vl-api-key"))
        #expect(machine.vlensTransactionId == "vl-api-key")
    }

    @Test("link after a verified transaction is still sent, and its failure keeps the verdict")
    func linkAfterVerified() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront, id: "vl-1")
        _ = succeed(&machine, .idBack)
        _ = succeed(&machine, .liveness, flags: Self.verified)
        #expect(
            expectCall(machine.onCapture(step: .link, vlensTransactionId: "vl-1"))
                == VlensCall(step: .link, vlensTransactionId: "vl-1"))
        let failed = machine.onStepOutcome(.failed(Self.exhausted))
        #expect(failed.outcome == .failed && failed.isFinal)
        #expect(machine.verdict == .verified)
    }

    @Test("a rejected link reports the linked id and changes nothing")
    func rejectedLink() {
        var machine = TransactionStateMachine()
        _ = succeed(&machine, .idFront, id: "vl-1")
        _ = expectCall(machine.onCapture(step: .link, vlensTransactionId: "vl-other"))
        let rejected = machine.onStepOutcome(.rejected(Self.quality))
        #expect(rejected.vlensTransactionId == "vl-other")
        #expect(machine.vlensTransactionId == "vl-1")
        #expect(!machine.completedSteps.contains(.link))
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

    @Test("the state survives a JSON round trip at every point of a transaction, pending call included")
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
        #expect(json.contains("\"version\":1") && json.contains("\"verdict\":\"verified\""))
        #expect(throws: ContractError.self) {
            try JSONDecoder().decode(
                TransactionStateMachine.self,
                from: Data(
                    #"{"version":2,"completedSteps":[],"verification":{"processCompleted":false,"identityVerified":false}}"#
                        .utf8))
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
                case .resolve(let resolution):
                    #expect(step == .liveness && resolution.error?.code == .livenessSidesMissing)
                }
            }
            #expect(machine.isFinal == (order.last == .liveness), "order \(order)")
        }
    }
}
