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

            var secrets: Set<String> = ["user-token-alice", "poison-secret-token"]
            for capture in captures {
                for image in [capture.images.idFront, capture.images.idBack].compactMap({ $0?.inlineBase64 }) + (capture.images.faces ?? []).compactMap(\.image.inlineBase64) {
                    secrets.insert(String(image.prefix(24)))
                }
            }
            for result in harness.decodedResults() {
                guard case .object(let data)? = result.extractedData else { continue }
                for case .object(let side) in data.values {
                    for key in ["idNumber", "first_name", "last_names", "first_name_english", "last_names_english", "city", "district"] {
                        if let value = side[key]?.stringValue, value.count >= 3 { secrets.insert(value) }
                    }
                }
            }
            #expect(secrets.count > 10, "the run produced OCR data to look for")

            let lines = worker.log.split(separator: "\n")
            #expect(lines.count > 20)
            for line in lines {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not a JSON log line: \(line.prefix(80))")
                for secret in secrets where line.contains(secret) {
                    Issue.record("a log line contains personal data (\(secret.count) characters)")
                }
                #expect(line.range(of: #"\b[23][0-9]{13}\b"#, options: .regularExpression) == nil, "a log line contains a 14-digit national ID number")
            }
        }
    }
}
