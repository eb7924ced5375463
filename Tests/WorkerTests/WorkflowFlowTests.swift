import Foundation
import Testing
import Verification
import VlensSimulator

/// The verification workflow in-process (``InProcessHarness``): the engine and the real capture
/// handler over an in-memory log, the simulator over real sockets, real stores. Broker end-to-end
/// suites: idempotency and replay, crash points, exactly-once, parking, resilience, chaos.
@Suite("Workflow: transaction flows", .timeLimit(.minutes(3)))
struct WorkflowFlowTests {
    @Test("front, back, liveness end in a final, completed result; each step calls Vlens once", arguments: WorkflowStore.allCases)
    func happyPath(store: WorkflowStore) async throws {
        try await InProcessHarness.run(store: store) { harness in
            let flow = CaptureFactory()
            let captures = [flow.front(), flow.back(), flow.liveness()]
            for capture in captures { try await harness.submit(capture) }

            var results: [VerificationResult] = []
            for capture in captures { results.append(try await harness.result(of: capture.eventId)) }
            #expect(results.map(\.outcome) == [.succeeded, .succeeded, .succeeded])
            #expect(results.map(\.isFinal) == [false, false, true])
            #expect(results[2].verification.processCompleted)
            let vlensID = try #require(results[0].vlensTransactionId)
            #expect(results.allSatisfy { $0.vlensTransactionId == vlensID })
            #expect(results.allSatisfy { $0.causationId == captures[results.firstIndex(of: $0)!].eventId })
            for capture in captures { #expect(harness.vlensCalls(forCapture: capture.eventId) == 1) }
        }
    }

    @Test("the back may come before the front")
    func backBeforeFront() async throws {
        try await WorkflowHarness.run { harness in
            let flow = CaptureFactory()
            let captures = [flow.back(), flow.front(), flow.liveness()]
            for capture in captures { try await harness.submit(capture) }
            var results: [VerificationResult] = []
            for capture in captures { results.append(try await harness.result(of: capture.eventId)) }
            #expect(results.map(\.outcome) == [.succeeded, .succeeded, .succeeded])
            #expect(results[2].isFinal)
            #expect(Set(results.compactMap(\.vlensTransactionId)).count == 1)
        }
    }

    @Test("liveness before both sides is rejected without calling Vlens, naming the missing side")
    func livenessTooEarly() async throws {
        try await WorkflowHarness.run { harness in
            let flow = CaptureFactory()
            let front = flow.front()
            let liveness = flow.liveness()
            try await harness.submit(front)
            try await harness.submit(liveness)
            let result = try await harness.result(of: liveness.eventId)
            #expect(result.outcome == .rejected)
            #expect(result.error?.code == .livenessSidesMissing)
            #expect(result.error?.missingSteps == [.idBack])
            #expect(harness.vlensCalls(forCapture: liveness.eventId) == 0)
        }
    }

    @Test("an API-key-only capture is linked to a user later")
    func apiKeyOnlyThenLink() async throws {
        try await WorkflowHarness.run { harness in
            let anonymous = CaptureFactory(userToken: nil)
            let captures = [anonymous.front(), anonymous.back(), anonymous.liveness()]
            for capture in captures { try await harness.submit(capture) }
            let last = try await harness.result(of: captures[2].eventId)
            #expect(last.outcome == .succeeded)
            let vlensID = try #require(last.vlensTransactionId)

            let link = CaptureFactory(transactionId: anonymous.transactionId).link(vlensTransactionId: vlensID)
            try await harness.submit(link)
            let linked = try await harness.result(of: link.eventId)
            #expect(linked.outcome == .succeeded)
            #expect(linked.vlensTransactionId == vlensID)
            #expect(harness.vlensCalls(forCapture: link.eventId) == 1)
        }
    }

    @Test("front-side outcome controls become rejected results with the Vlens reason", arguments: [
        SimulatorOutcome.spoof, .unreadable, .noCard, .expired,
    ])
    func frontRejections(outcome: SimulatorOutcome) async throws {
        try await WorkflowHarness.run { harness in
            let capture = CaptureFactory().front(outcome)
            try await harness.submit(capture)
            let result = try await harness.result(of: capture.eventId)
            #expect(result.outcome == .rejected)
            #expect(result.error?.code == .vlensRejected)
            let expected: [SimulatorOutcome: VerdictReason] = [.spoof: .spoofDetected, .unreadable: .imageQuality, .noCard: .cardNotDetected, .expired: .idExpired]
            #expect(result.verdict.reason == expected[outcome])
            // A judgement on the document settles the transaction; a bad picture leaves the step open.
            #expect(result.isFinal == (outcome == .spoof || outcome == .expired))
            #expect(result.verdict.status == (result.isFinal ? .notVerified : .pending))
        }
    }

    @Test("a back that belongs to another card is rejected as a mismatch")
    func frontBackMismatch() async throws {
        try await WorkflowHarness.run { harness in
            let flow = CaptureFactory()
            let front = flow.front()
            let back = flow.back(.mismatch)
            try await harness.submit(front)
            try await harness.submit(back)
            #expect(try await harness.result(of: front.eventId).outcome == .succeeded)
            let result = try await harness.result(of: back.eventId)
            #expect(result.outcome == .rejected)
            #expect(result.error?.vlensErrorCode == "3101")
        }
    }

    @Test("AML and SRC findings are summarised in the final result", arguments: [SimulatorOutcome.aml, .srcInvalid])
    func serviceFindings(outcome: SimulatorOutcome) async throws {
        try await WorkflowHarness.run { harness in
            let flow = CaptureFactory()
            let captures = [flow.front(outcome), flow.back(), flow.liveness()]
            for capture in captures { try await harness.submit(capture) }
            let final = try await harness.result(of: captures[2].eventId)
            #expect(final.outcome == .succeeded)
            #expect(final.isFinal)
            if outcome == .aml { #expect(final.services?.amlMatched == true) }
            if outcome == .srcInvalid { #expect(final.services?.srcValid == false) }
        }
    }
}
