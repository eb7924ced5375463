import Foundation
import Logging
import Prometheus
import Store
import Testing
import Verification
import VlensSimulator

/// A partition that moves to another worker while its captures' Vlens calls are under way (the
/// previous owner's revocation drain ended before Vlens answered): the next owner must not call
/// Vlens again for a capture whose call is still running, or Vlens processes it twice.
@Suite("Workflow: a partition moved mid-call", .timeLimit(.minutes(4)))
struct WorkflowMovedMidCallTests {
    @Test("the next owner waits for the previous owner's call: one Vlens call per capture, identical results")
    func nextOwnerWaits() async throws {
        // Vlens holds its answers until worker-b has met a capture whose call worker-a has under way:
        // longer than the drain (0.5 s) and the rebalance however slow the machine, shorter than the time-out.
        let faults = SimulatorFaults(rateLimit: .unlimited)
        let environment = ["VLENS_REQUEST_TIMEOUT_MS": "150000", "DRAIN_TIMEOUT_MS": "500"]
        try await WorkflowHarness.run(store: .postgres, partitions: 2, faults: faults, environment: environment, startWorker: false) { harness in
            var logger = Logger(label: "moved-mid-call")
            logger.logLevel = .error
            let store = try await StoreURL(try #require(harness.environment["STORE_URL"])).makeStore(logger: logger)
            let storeTask = Task { try await store.run() }
            defer { storeTask.cancel() }
            try await store.migrate()
            harness.simulator.holdAnswers()
            defer { harness.simulator.releaseAnswers() }

            let first = Task { try await harness.runWorker(environment: ["WORKER_INSTANCE_ID": "worker-a"]) }
            defer { first.cancel() }
            let captures = [CaptureFactory().front(), CaptureFactory().front()]
            for (partition, capture) in captures.enumerated() {
                try await harness.submit(capture, partition: Int32(partition))
            }
            try await waitUntil("worker-a's two calls are under way", within: .seconds(60)) {
                try await store.inFlightMarkers().filter { $0.owner == "worker-a" }.count == 2
            }

            // A second worker joins: one of the partitions moves to it while worker-a waits for Vlens.
            let registry = PrometheusCollectorRegistry()
            let second = Task { try await harness.runWorker(environment: ["WORKER_INSTANCE_ID": "worker-b"], registry: registry) }
            defer { second.cancel() }
            try await waitUntil("the moved capture reached worker-b while worker-a's call was under way", within: .seconds(90)) {
                Self.parkedAsHeldElsewhere(registry) >= 1
            }
            harness.simulator.releaseAnswers()

            for capture in captures {
                #expect(try await harness.result(of: capture.eventId, timeout: .seconds(60)).outcome == .succeeded)
            }
            // A call worker-b sent while the answers were held was answered at the release; one it sent
            // after is answered at once. Either is in the ledger well within this.
            try await Task.sleep(for: .seconds(3))
            let calls = harness.simulator.ledger().calls
            for capture in captures {
                #expect(calls.filter { $0.requestId == capture.eventId }.count == 1, "Vlens was called once for \(capture.eventId)")
            }
            for (_, copies) in Dictionary(grouping: harness.decodedResults(), by: \.eventId) {
                #expect(Set(copies).count == 1, "every copy of a capture's result is identical")
            }
        }
    }

    /// `vlens_worker_parked_total` with reason `call_in_flight_elsewhere`, summed over tenants.
    static func parkedAsHeldElsewhere(_ registry: PrometheusCollectorRegistry) -> Double {
        var buffer = [UInt8]()
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("vlens_worker_parked_total{") && $0.contains(#"reason="call_in_flight_elsewhere""#) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }
}
