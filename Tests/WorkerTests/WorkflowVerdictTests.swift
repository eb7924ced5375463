import Foundation
import Testing
import TestSupport
import Verification
import VlensSimulator

/// The verdict contract through the worker in-process: links and early liveness that wait for
/// their transaction, user tokens Vlens refuses, the status records, the v1 projection, and a
/// replay that leaves every transaction's status as it was.
@Suite("Workflow: verdicts, links and status records", .timeLimit(.minutes(3)))
struct WorkflowVerdictTests {
    /// The status records of `transactionId`, decoded, in delivery order.
    static func statuses(_ harness: InProcessHarness, of transactionId: String) -> [TransactionStatus] {
        harness.statuses.records.compactMap { try? TransactionStatus.decode($0.value) }.filter { $0.transactionId == transactionId }
    }

    @Test("API-key-only front, back, liveness with the link first on the wire: the link waits, one link call, verified once linked")
    func linkFirstOnTheWire() async throws {
        try await InProcessHarness.run(partitions: 1) { harness in
            let anonymous = CaptureFactory(userToken: nil)
            let link = CaptureFactory(transactionId: anonymous.transactionId).link()
            let captures = [link, anonymous.front(), anonymous.back(), anonymous.liveness()]
            for capture in captures { try await harness.submit(capture) }

            let liveness = try await harness.result(of: captures[3].eventId)
            #expect(liveness.outcome == .succeeded && !liveness.isFinal && !liveness.userLinked)
            #expect(liveness.verdict == Verdict(status: .pending, reason: .userNotLinked))
            let linked = try await harness.result(of: link.eventId)
            #expect(linked.outcome == .succeeded && linked.isFinal && linked.userLinked)
            #expect(linked.verdict == Verdict(status: .verified))
            #expect(linked.sequence == 4 && linked.stepsCompleted == [.idFront, .idBack, .liveness, .link])
            #expect(harness.vlensCalls(forCapture: link.eventId) == 1)
            let last = try #require(Self.statuses(harness, of: anonymous.transactionId).max { $0.sequence < $1.sequence })
            #expect(last.verdict.status == .verified && last.userLinked && last.lastResultId == linked.eventId)
        }
    }

    @Test("a link whose transaction never completes is rejected transaction_incomplete after LINK_MAX_WAIT_MS, without a Vlens call")
    func linkGivesUp() async throws {
        try await InProcessHarness.run(environment: ["LINK_MAX_WAIT_MS": "1000"]) { harness in
            let flow = CaptureFactory()
            let front = flow.front()
            let link = flow.link()
            try await harness.submit(front)
            try await harness.submit(link)
            let result = try await harness.result(of: link.eventId)
            #expect(result.outcome == .rejected && result.error?.code == .transactionIncomplete && !result.isFinal)
            #expect(result.verdict == Verdict(status: .pending, reason: .transactionIncomplete) && result.verdict.retryable)
            #expect(result.error?.missingSteps == [.idBack, .liveness])
            #expect(harness.vlensCalls(forCapture: link.eventId) == 0)
        }
    }

    @Test("EARLY_LIVENESS=park: a liveness before both sides waits aside; the sides pass it; one liveness call, verified")
    func earlyLivenessParks() async throws {
        try await InProcessHarness.run(partitions: 1, environment: ["EARLY_LIVENESS": "park"]) { harness in
            let flow = CaptureFactory()
            let liveness = flow.liveness()
            let front = flow.front()
            let back = flow.back()
            for capture in [liveness, front, back] { try await harness.submit(capture) }
            let result = try await harness.result(of: liveness.eventId)
            #expect(result.outcome == .succeeded && result.isFinal && result.verdict.status == .verified)
            #expect(harness.vlensCalls(forCapture: liveness.eventId) == 1)
            let sides = [try await harness.result(of: front.eventId), try await harness.result(of: back.eventId)]
            #expect(sides.map(\.sequence) == [1, 2] && result.sequence == 3)
        }
    }

    @Test("a backlog whose user tokens Vlens now refuses: user_token_rejected, retryable, not final; nothing dead-lettered")
    func refusedTokens() async throws {
        try await InProcessHarness.run { harness in
            let accepted = CaptureFactory(userToken: nil).front()
            try await harness.submit(accepted)
            #expect(try await harness.result(of: accepted.eventId).outcome == .succeeded)
            #expect(harness.simulator.revokeTokens(["user-token-alice"]) == 1)
            let flow = CaptureFactory()
            let front = flow.front()
            try await harness.submit(front)
            let result = try await harness.result(of: front.eventId)
            #expect(result.outcome == .rejected && result.error?.code == .userTokenRejected && result.error?.httpStatus == 401)
            #expect(!result.isFinal && result.verdict == Verdict(status: .pending, reason: .userTokenRejected) && result.verdict.retryable)
            #expect(harness.deadLetters.records.isEmpty)
        }
    }

    @Test("a 401 before Vlens ever accepted the tenant's ApiKey is credentials_rejected: failed, not final, dead-lettered for redrive")
    func refusedApiKey() async throws {
        try await InProcessHarness.run(environment: ["VLENS_API_KEY": "wrong-key"]) { harness in
            let front = CaptureFactory().front()
            try await harness.submit(front)
            let result = try await harness.result(of: front.eventId)
            #expect(result.outcome == .failed && !result.isFinal && result.verdict == Verdict(status: .failed, reason: .credentialsRejected))
            #expect(!result.verdict.retryable)
            try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(10))
        }
    }

    @Test("VLENS_USER_TOKEN_FALLBACK=api-key-only: refused tokens go API-key-only, the transaction waits unlinked, a fresh link verifies it")
    func tokenFallback() async throws {
        try await InProcessHarness.run(environment: ["VLENS_USER_TOKEN_FALLBACK": "api-key-only"]) { harness in
            #expect(harness.simulator.revokeTokens(["user-token-alice"]) == 1)
            let flow = CaptureFactory()
            let captures = [flow.front(), flow.back(), flow.liveness()]
            for capture in captures { try await harness.submit(capture) }
            let liveness = try await harness.result(of: captures[2].eventId)
            #expect(liveness.outcome == .succeeded && !liveness.userLinked && liveness.verdict == Verdict(status: .pending, reason: .userNotLinked))
            for capture in captures { #expect(harness.vlensCalls(forCapture: capture.eventId) == 2, "one refused, one API-key-only") }

            let fresh = harness.simulator.issueToken(emailOrPhoneNumber: "alice@example.com")
            let link = CaptureFactory(transactionId: flow.transactionId, userToken: fresh.token).link()
            try await harness.submit(link)
            let linked = try await harness.result(of: link.eventId)
            #expect(linked.isFinal && linked.userLinked && linked.verdict.status == .verified)
        }
    }

    @Test("RESULT_V1_TOPIC: each result also goes out in its v1 form, which validates against the v1 schema and keeps v1's final")
    func v1Projection() async throws {
        let faults = SimulatorFaults(error503Rate: 1, steps: ["id_back"], rateLimit: .unlimited)
        let environment = ["RESULT_V1_TOPIC": "in-process.results.v1", "VLENS_RETRY_MAX_ATTEMPTS": "2", "VLENS_RETRY_BASE_DELAY_MS": "10"]
        try await InProcessHarness.run(faults: faults, environment: environment) { harness in
            let flow = CaptureFactory()
            let front = flow.front()
            let back = flow.back()
            try await harness.submit(front)
            try await harness.submit(back)
            let failed = try await harness.result(of: back.eventId)
            #expect(failed.outcome == .failed && !failed.isFinal)
            #expect(harness.resultsV1.records.count == 2)
            let v1 = try #require(harness.resultsV1.records.last)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(v1.value)) as? [String: Any])
            #expect(object["final"] as? Bool == true, "v1 called a failed transaction final")
            #expect(object["verdict"] == nil && object["sequence"] == nil)
            #expect(v1.headers.first { $0.key == "ce_type" }?.value == Array("identity.verification-result.v1".utf8))
            let paths = try ContractFiles.temporaryFiles(harness.resultsV1.records.enumerated().map { ("v1-\($0.offset).json", $0.element.value) })
            let run = try await ContractFiles.validate(["--kind", "verification-result.v1"] + paths)
            #expect(run.status == 0, "\(run.output)")
        }
    }

    @Test("a replay of the whole capture log leaves each transaction's latest status as it was, and its highest sequence is its final result")
    func replayKeepsStatus() async throws {
        try await InProcessHarness.run { harness in
            let flows = [CaptureFactory(), CaptureFactory(), CaptureFactory(userToken: nil)]
            var captures: [CaptureSubmitted] = []
            for flow in flows { captures += [flow.front(), flow.back(), flow.liveness()] }
            captures.append(flows[1].front())  // after the verdict: transaction_final
            for capture in captures { try await harness.submit(capture) }
            _ = try await harness.waitForResults(captures.count)
            let before = Dictionary(grouping: flows.map(\.transactionId)) { $0 }.mapValues { Self.latest(harness, of: $0[0]) }

            for capture in captures { try await harness.submit(capture) }  // the replay: the same records again
            _ = try await harness.waitForResults(captures.count * 2)
            try await harness.statuses.waitFor(count: captures.count * 2, timeout: .seconds(30))
            for flow in flows {
                let after = Self.latest(harness, of: flow.transactionId)
                #expect(after != nil && after == before[flow.transactionId] ?? nil, "status of \(flow.transactionId) changed by the replay")
                let results = harness.decodedResults().filter { $0.transactionId == flow.transactionId }
                let highest = try #require(results.max { $0.sequence < $1.sequence })
                let lastCapture = try #require(captures.last { $0.transactionId == flow.transactionId })
                #expect(highest.causationId == lastCapture.eventId, "the highest sequence is the transaction's last result, re-published or not")
                #expect(highest.sequence == Set(results.map(\.eventId)).count)
                #expect(highest.isFinal == (flow.userToken != nil), "the linked transactions end final; the API-key-only one waits for its link")
            }
            for capture in captures { #expect(harness.vlensCalls(forCapture: capture.eventId) <= 1) }
        }
    }

    /// The bytes of the last status record delivered for `transactionId`.
    static func latest(_ harness: InProcessHarness, of transactionId: String) -> [UInt8]? {
        harness.statuses.records.last { (try? TransactionStatus.decode($0.value))?.transactionId == transactionId }?.value
    }
}
