import Foundation
import Testing
import Verification

/// Replays and duplicates never call Vlens twice for one capture.
@Suite("Workflow: idempotency and replay", .timeLimit(.minutes(3)))
struct WorkflowIdempotencyTests {
    @Test("a duplicated capture event causes one Vlens call and two identical results", arguments: WorkflowStore.allCases)
    func duplicateEvent(store: WorkflowStore) async throws {
        try await WorkflowHarness.run(store: store) { harness in
            let capture = CaptureFactory().front()
            try await harness.submit(capture)
            _ = try await harness.result(of: capture.eventId)
            try await harness.submit(capture)
            try await harness.results.waitFor(count: 2, timeout: .seconds(30))
            let records = harness.results.records
            #expect(records.count == 2)
            #expect(records[0].value == records[1].value)
            #expect(harness.vlensCalls(forCapture: capture.eventId) == 1)
        }
    }

    @Test("replaying the whole input topic with a new group calls Vlens zero more times and re-publishes the same result ids")
    func replayFromTheBeginning() async throws {
        try await WorkflowHarness.run { harness in
            let flow = CaptureFactory()
            let captures = [flow.front(), flow.back(), flow.liveness(), CaptureFactory().liveness()]
            for capture in captures { try await harness.submit(capture) }
            let first = try await harness.waitForResults(captures.count)
            let callsBefore = harness.simulator.ledger().calls.count

            // A second worker with a new group reads the topic from the start.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await harness.runWorker(environment: ["KAFKA_GROUP_ID": "replay-\(UUID().uuidString)"]) }
                defer { group.cancelAll() }
                _ = try await harness.waitForResults(captures.count * 2)
            }
            let all = harness.decodedResults()
            #expect(harness.simulator.ledger().calls.count == callsBefore)
            #expect(Set(all.map(\.eventId)) == Set(first.map(\.eventId)))
            let byID = Dictionary(grouping: harness.results.records) { $0.value }
            #expect(byID.values.allSatisfy { $0.count == 2 })
        }
    }
}
