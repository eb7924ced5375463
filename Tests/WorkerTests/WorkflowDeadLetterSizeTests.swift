import Foundation
import Kafka
import Testing
import Verification
import WorkerSettings

/// A dead letter carries the bad event's bytes whenever the dead-letter topic takes them: the worker
/// reads the topic's `max.message.bytes` at start-up (``DeadLetterLimit``), so a 1.5 MB event, over the
/// 1,000,000-byte fallback, keeps its value on a topic that allows 4 MiB.
@Suite("Workflow: dead letters sized by their topic", .timeLimit(.minutes(3)))
struct WorkflowDeadLetterSizeTests {
    @Test("a 1.5 MB malformed event is dead-lettered with its value when the dead-letter topic takes 4 MiB")
    func largeDeadLetterKeepsItsValue() async throws {
        try await WorkflowHarness.run(deadLetterTopicConfig: ["max.message.bytes": "\(4 << 20)"]) { harness in
            // The worker learns the topic's limit after it starts (it never waits for the broker to say).
            let expected = "vlens_worker_dead_letter_value_limit_bytes \((4 << 20) - DeadLetterLimit.headroomBytes)"
            let deadline = ContinuousClock.now + .seconds(30)
            while !harness.metricsText().contains(expected), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(harness.metricsText().contains(expected), "the worker reports the dead-letter topic's limit")
            let transactionID = "tx-large-\(UUID().uuidString.prefix(8))"
            let value = Array(#"{"eventId": "e-large", "transactionId": "\#(transactionID)", "pad": "\#(String(repeating: "x", count: 1_500_000))"#.utf8)
            try await harness.submitRaw(key: transactionID, value: value)
            try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(60))
            let letter = try #require(harness.deadLetters.records.first)
            #expect(letter.header("dlq_reason") == "malformed_json")
            #expect(letter.header("dlq_value_omitted_bytes") == nil)
            #expect(letter.value == value)
        }
    }
}
