import Foundation
import Synchronization
import TestSupport
import Testing
import Verification
import VlensSimulator

/// The PostgreSQL store goes away under load, as in a server restart or a failover: its connections
/// are terminated and new ones refused for a while. The worker keeps running, waits for the store,
/// and then completes every capture once, in order, calling Vlens once per capture.
@Suite("Workflow: a PostgreSQL outage under load", .timeLimit(.minutes(4)))
struct WorkflowPostgresOutageTests {
    @Test("connections terminated and refused mid-load: reported unreachable, then every capture completes once, in order, one Vlens call each")
    func outageUnderLoad() async throws {
        let faults = SimulatorFaults(latency: .fixed(milliseconds: 300), rateLimit: .unlimited)
        try await WorkflowHarness.run(store: .postgres, partitions: 3, faults: faults, startWorker: false) { harness in
            let storeURL = try #require(harness.environment["STORE_URL"])
            let workerEnded = Mutex<String?>(nil)
            let worker = Task {
                do {
                    try await harness.runWorker(registry: harness.registry)
                    workerEnded.withLock { $0 = "returned" }
                } catch {
                    workerEnded.withLock { $0 = "threw \(type(of: error))" }
                }
            }
            defer { worker.cancel() }

            let flows = (0..<20).map { _ in CaptureFactory() }
            var captures: [CaptureSubmitted] = []
            for flow in flows { captures += [flow.front(), flow.back(), flow.liveness()] }
            for capture in captures { try await harness.submit(capture) }

            try await harness.results.waitFor(count: 15, timeout: .seconds(60))
            #expect(storeReachable(harness) == 1)
            try await PostgresTestDatabase.cutOff(storeURL)
            let cutOffAt = ContinuousClock.now
            let resultsAtCutOff = harness.results.records.count
            // The worker's probe sees it: gauge 0 (and storeReachable false in /health/ready).
            try await waitUntil("the worker reports the store unreachable", within: .seconds(60)) { storeReachable(harness) == 0 }
            let reportedAfter = ContinuousClock.now - cutOffAt
            try await Task.sleep(for: .seconds(3))
            try await PostgresTestDatabase.reopen(storeURL)
            let outage = ContinuousClock.now - cutOffAt
            try await waitUntil("the worker reports the store reachable again", within: .seconds(60)) { storeReachable(harness) == 1 }
            print("PostgreSQL outage of \(outage): reported after \(reportedAfter); \(resultsAtCutOff) of \(captures.count) results before it, \(harness.results.records.count) at its end")

            for capture in captures {
                let result = try await harness.result(of: capture.eventId, timeout: .seconds(120))
                #expect(result.outcome == .succeeded, "\(capture.step) of a flow: \(result.outcome) \(result.error?.code.rawValue ?? "")")
                #expect(harness.vlensCalls(forCapture: capture.eventId) == 1, "Vlens was called once for each capture")
            }
            #expect(workerEnded.withLock { $0 } == nil, "the worker kept running through the outage")
            #expect(harness.deadLetters.records.isEmpty, "nothing was dead-lettered")

            // Every copy of a result is identical, and each transaction's results came in capture order.
            let decoded = harness.decodedResults()
            for (_, copies) in Dictionary(grouping: decoded, by: \.eventId) {
                #expect(Set(copies).count == 1, "every copy of a capture's result is identical")
            }
            for flow in captures.chunked(into: 3) {
                let sequences = flow.compactMap { capture in
                    decoded.first { $0.eventId == VerificationResult.eventID(forCapture: capture.eventId) }?.sequence
                }
                #expect(sequences == [1, 2, 3], "front, back and liveness took sequences 1, 2 and 3")
            }
            let liveness = try #require(decoded.first { $0.eventId == VerificationResult.eventID(forCapture: captures[2].eventId) })
            #expect(liveness.verdict.status == .verified)
        }
    }
}

/// `vlens_worker_store_reachable`, nil before it was first recorded.
private func storeReachable(_ harness: WorkflowHarness) -> Double? {
    harness.registry.emitToString().split(separator: "\n")
        .first { $0.hasPrefix("vlens_worker_store_reachable ") }
        .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
}

extension Array {
    fileprivate func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
