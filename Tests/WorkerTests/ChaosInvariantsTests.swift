import Foundation
import Testing
import Verification
import VlensSimulator

/// Each chaos invariant can fail: a planted fault in otherwise clean evidence breaks exactly it.
@Suite("Chaos invariants catch planted faults")
struct ChaosInvariantsTests {
    /// Two clean transactions: every capture succeeded once, in order, one Vlens call each.
    static func clean() throws -> ChaosEvidence {
        let flows = [CaptureFactory(), CaptureFactory()]
        var captures: [CaptureSubmitted] = []
        var results: [[UInt8]] = []
        for (index, flow) in flows.enumerated() {
            var machine = TransactionStateMachine()
            for capture in [flow.front(), flow.back(), flow.liveness()] {
                captures.append(capture)
                let resolution: StepResolution
                switch machine.onCapture(capture) {
                case .callVlens: resolution = machine.onStepOutcome(.succeeded(vlensTransactionId: "vt-\(index)"))
                case .resolve(let local), .awaitSteps(let local): resolution = local
                }
                let timings = VerificationResult.Timings(receivedAt: Timestamp(Date()), completedAt: Timestamp(Date()), vlensTime: nil)
                results.append(try VerificationResult(capture: capture, resolution: resolution, attempts: 1, timings: timings).encodedJSON())
            }
        }
        return ChaosEvidence(
            name: "planted", captures: captures, transactionIDs: flows.map(\.transactionId), results: results,
            ledgerCalls: try captures.enumerated().map { try call($0.offset, requestId: $0.element.eventId) }
        )
    }

    static func call(_ sequence: Int, requestId: String, replyLost: Bool = false) throws -> SimulatorLedger.Call {
        let json = #"{"sequence":\#(sequence),"step":"id_front","request_id":"\#(requestId)","outcome":"ok","status":200,"had_bearer":false,"reply_lost":\#(replyLost)}"#
        return try JSONDecoder().decode(SimulatorLedger.Call.self, from: Data(json.utf8))
    }

    static func failures(_ evidence: ChaosEvidence, maxDuplicateResults: Int? = nil) -> [String] {
        ChaosInvariants.evaluate(evidence, maxDuplicateResults: maxDuplicateResults).failures
    }

    @Test("clean evidence passes every invariant")
    func cleanPasses() throws {
        let evidence = try Self.clean()
        #expect(evidence.results.count == 6)
        #expect(Self.failures(evidence).isEmpty)
    }

    @Test("a lost result, a result out of order, a duplicate with other bytes: each is caught")
    func resultFaults() throws {
        var lost = try Self.clean()
        lost.results.remove(at: 4)
        #expect(Self.failures(lost).contains { $0.contains("without a result") })

        var reordered = try Self.clean()
        reordered.results.swapAt(1, 2)  // liveness before back
        #expect(Self.failures(reordered).contains { $0.contains("out of order") })

        var altered = try Self.clean()
        var changed = try VerificationResult.decode(altered.results[0].value)
        changed.attempts += 1  // same id, other bytes
        altered.results.append((try changed.encodedJSON(), nil))
        #expect(Self.failures(altered).contains { $0.contains("different bytes") })

        var repeated = try Self.clean()
        repeated.results.append(repeated.results[0])
        #expect(Self.failures(repeated).isEmpty, "an identical re-publication is allowed")
        #expect(Self.failures(repeated, maxDuplicateResults: 0).contains { $0.contains("duplicate results") })
    }

    @Test("a second Vlens call is caught unless a lost reply explains it")
    func duplicateCalls() throws {
        var twice = try Self.clean()
        let requestId = twice.captures[0].eventId
        twice.ledgerCalls.append(try Self.call(99, requestId: requestId))
        #expect(Self.failures(twice).contains { $0.contains("called more often") })

        var explained = try Self.clean()
        explained.ledgerCalls[0] = try Self.call(0, requestId: requestId, replyLost: true)
        explained.ledgerCalls.append(try Self.call(99, requestId: requestId))
        #expect(Self.failures(explained).isEmpty)
        explained.ledgerCalls.append(try Self.call(100, requestId: requestId))
        #expect(Self.failures(explained).contains { $0.contains("called more often") }, "one lost reply explains one repeat, not two")
    }

    @Test("a dead letter for healthy input, and personal data in a log, are caught")
    func deadLettersAndLogs() throws {
        var dead = try Self.clean()
        dead.deadLetterKeys = [Array(dead.transactionIDs[0].utf8)]
        let failures = Self.failures(dead)
        #expect(failures.contains { $0.contains("1 dead letters for 0 poison events") })
        #expect(failures.contains { $0.contains("healthy capture was dead-lettered") })

        var leaky = try Self.clean()
        leaky.logs = [#"{"level":"info","msg":"calling with user-token-alice"}"#]
        #expect(Self.failures(leaky).contains { $0.contains("personal data") })
    }
}
