import Foundation
import Testing
import Verification

/// A stored row that does not open (a result sealed with a key the worker no longer has) is only
/// ended by an operator: the capture is parked, so its partition's commit point and the other
/// transactions go on, and it comes back once the row opens again.
@Suite("Workflow: a stored row that does not open", .timeLimit(.minutes(4)))
struct WorkflowUnreadableRowTests {
    static let sealingKey = "e2e:" + Data(repeating: 7, count: 32).base64EncodedString()
    static let rotatedKey = "rotated:" + Data(repeating: 9, count: 32).base64EncodedString()

    @Test("a replayed capture whose result was sealed with a dropped key is parked (store_unreadable), not retried in place; with the key back and the tenant released, its stored result is re-published")
    func droppedKeyParksTheCapture() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unreadable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storeURL = "sqlite:\(directory.appendingPathComponent("worker.sqlite").path)"
        let capture = CaptureFactory().front()

        // A worker with the sealing key verifies the capture.
        let published = try await InProcessHarness.run(partitions: 1, environment: ["STORE_URL": storeURL, "STORE_ENCRYPTION_KEYS": Self.sealingKey]) { harness in
            try await harness.submit(capture)
            #expect(try await harness.result(of: capture.eventId).outcome == .succeeded)
            return try #require(harness.results.records.first).value
        }

        // The topic is replayed by a worker that only has a new key, with another transaction's capture after it.
        try await InProcessHarness.run(partitions: 1, environment: ["STORE_URL": storeURL, "STORE_ENCRYPTION_KEYS": Self.rotatedKey]) { harness in
            try await harness.submit(capture)
            let other = CaptureFactory().front()
            try await harness.submit(other)
            #expect(try await harness.result(of: other.eventId).outcome == .succeeded)
            let committed = try await harness.waitForCommittedOffset(partition: 0, atLeast: 2, timeout: .seconds(60))
            #expect(committed >= 2, "the commit point passed the capture whose row does not open")
            #expect(harness.decodedResults().map(\.eventId) == [VerificationResult.eventID(forCapture: other.eventId)], "nothing published for it")
            #expect(harness.metricsText().contains(#"vlens_worker_parked_total{tenant="default",reason="store_unreadable"} 1"#))
            #expect(harness.simulator.ledger().calls.isEmpty == false)
            #expect(harness.simulator.ledger().calls.allSatisfy { $0.requestId != capture.eventId }, "the replay did not call Vlens")
        }

        // The key is back (after the new one) and the operator makes the tenant's parked captures due.
        let keys = Self.rotatedKey + "," + Self.sealingKey
        try await InProcessHarness.run(partitions: 1, environment: ["STORE_URL": storeURL, "STORE_ENCRYPTION_KEYS": keys]) { harness in
            let released = try await OperatorCommand.run(["parked", "release", "--tenant", "default"], environment: ["STORE_URL": storeURL, "STORE_ENCRYPTION_KEYS": keys])
            #expect(released.status == 0, "\(released.progress)")
            try await harness.results.waitFor(count: 1, timeout: .seconds(60))
            #expect(harness.results.records.map(\.value) == [published], "the stored result, byte for byte")
            #expect(harness.simulator.ledger().calls.isEmpty, "re-published, not called again")
        }
    }
}
