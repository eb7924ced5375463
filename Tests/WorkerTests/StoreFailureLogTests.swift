import Foundation
import Testing

/// A store failure that only an operator can end is logged with what the store said, so the log
/// names the problem and its fix, not only an error type.
@Suite("Operating: store failures in the log", .timeLimit(.minutes(3)))
struct StoreFailureLogTests {
    @Test("a replay after the encryption key of stored results was dropped logs which key to add back")
    func droppedKeyIsNamed() async throws {
        try await WorkflowHarness.run(startWorker: false) { harness in
            let capture = CaptureFactory().front()
            try await harness.submit(capture)
            let first = try WorkerProcess(environment: harness.environment)
            defer { first.kill() }
            _ = try await harness.result(of: capture.eventId, timeout: .seconds(60))
            _ = await first.terminate()

            // The results were sealed with key `e2e`; this worker only knows `rotated`, and replays the topic.
            let rotated = harness.environment.merging([
                "STORE_ENCRYPTION_KEYS": "rotated:" + Data(repeating: 9, count: 32).base64EncodedString(),
                "KAFKA_GROUP_ID": (harness.environment["KAFKA_GROUP_ID"] ?? "") + "-replay",
            ]) { $1 }
            let replaying = try WorkerProcess(environment: rotated)
            defer { replaying.kill() }
            try await waitUntil("the replaying worker logs the store's failure", within: .seconds(60)) {
                replaying.log.contains("the store failed")
            }
            let line = try #require(replaying.log.split(separator: "\n").first { $0.contains("the store failed") })
            #expect(line.contains("encryption"), "the store's error code: \(line)")
            #expect(line.contains("STORE_ENCRYPTION_KEYS no longer lists"), "the store's message, which names the fix: \(line)")
            #expect(harness.simulator.ledger().calls.filter { $0.requestId == capture.eventId }.count == 1, "the replay did not call Vlens")
        }
    }
}
