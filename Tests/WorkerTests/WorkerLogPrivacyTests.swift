import Foundation
import Testing
import Verification
import VlensSimulator

/// Nothing personal reaches a log line: not images, tokens, national ID numbers or names.
@Suite("Worker logs carry no personal data", .timeLimit(.minutes(3)))
struct WorkerLogPrivacyTests {
    @Test("an end-to-end run at debug level logs JSON lines with no image, token, ID number or name in them")
    func logsAreClean() async throws {
        try await WorkflowHarness.run(environment: ["LOG_LEVEL": "debug"], startWorker: false) { harness in
            let worker = try WorkerProcess(environment: harness.environment)
            defer { worker.kill() }
            let flows = [CaptureFactory(person: "alice"), CaptureFactory(person: "bob", userToken: nil)]
            var captures: [CaptureSubmitted] = []
            for flow in flows { captures += [flow.front(), flow.back(), flow.liveness(), flow.front(.spoof)] }
            for capture in captures { try await harness.submit(capture) }
            try await harness.submitRaw(key: "tx-poison", value: Array(#"{"eventId": "p1", "transactionId": "tx-poison", "userToken": "poison-secret-token"}"#.utf8))
            _ = try await harness.waitForResults(captures.count + 1, timeout: .seconds(90))
            _ = await worker.terminate()

            let scan = PersonalDataScan(captures: captures, results: harness.decodedResults(), tokens: ["user-token-alice", "poison-secret-token"])
            #expect(scan.secrets.count > 10, "the run produced OCR data to look for")
            #expect(worker.log.split(separator: "\n").count > 20)
            for finding in scan.findings(in: worker.log) { Issue.record(Comment(rawValue: finding)) }
        }
    }
}
