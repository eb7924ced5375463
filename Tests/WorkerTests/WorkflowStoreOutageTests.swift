import Foundation
import Logging
@testable import Store
import Testing
import VlensSimulator

/// A store that fails while a capture's result is being stored does not make the worker call Vlens
/// again: the answer is held and the store write tried again (`CaptureHandler.keepingAnswer`).
@Suite("Workflow: a store outage at completion", .timeLimit(.minutes(2)))
struct WorkflowStoreOutageTests {
    @Test("another connection holding the SQLite write lock for 8 s while Vlens answers: one Vlens call, the result stored when the lock goes")
    func lockedAtCompletion() async throws {
        let faults = SimulatorFaults(rateLimit: .unlimited)
        try await InProcessHarness.run(faults: faults) { harness in
            let path = String(harness.storeURL.dropFirst("sqlite:".count))
            let capture = CaptureFactory().front()
            harness.simulator.holdAnswers()
            defer { harness.simulator.releaseAnswers() }
            try await harness.submit(capture)
            // The call is under way once its in-flight marker is written (the simulator answers once released).
            let other = try SQLiteHandle(path: path)
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                // (Before the worker's migration the table does not exist yet: not yet, either.)
                if case .rows(let rows)? = try? other.run("SELECT 1 FROM in_flight_calls", []), !rows.isEmpty { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(harness.simulator.ledger().calls.isEmpty, "the lock is taken while Vlens still works on the call")
            _ = try other.run("BEGIN IMMEDIATE", [])
            harness.simulator.releaseAnswers()
            try await Task.sleep(for: .seconds(8))  // past the store's own 5 s wait for a lock
            _ = try other.run("COMMIT", [])
            other.close()

            #expect(try await harness.result(of: capture.eventId).outcome == .succeeded)
            #expect(harness.simulator.ledger().calls.filter { $0.requestId == capture.eventId }.count == 1, "Vlens was called once")
        }
    }
}
