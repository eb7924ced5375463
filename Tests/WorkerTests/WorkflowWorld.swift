import Foundation
import Kafka
import Prometheus
import Testing
import TestSupport
import Verification
import VlensSimulator

/// What a workflow test observes of its world, through a broker (``WorkflowHarness``) or in-process
/// (``InProcessHarness``): the results, and the simulator's ledger.
protocol WorkflowWorld: Sendable {
    associatedtype ResultRecords: ReceivedRecords
    var results: ResultRecords { get }
    var simulator: VlensSimulatorServer { get }
    /// The in-process worker's metrics registry.
    var registry: PrometheusCollectorRegistry { get }
}

extension WorkflowWorld {
    /// The in-process worker's metrics, as Prometheus text.
    func metricsText() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The results received so far, decoded.
    func decodedResults() -> [VerificationResult] {
        results.records.compactMap { try? VerificationResult.decode($0.value) }
    }

    /// Waits until `count` results arrived, and returns them decoded.
    func waitForResults(_ count: Int, timeout: Duration = .seconds(60)) async throws -> [VerificationResult] {
        try await results.waitFor(count: count, timeout: timeout)
        return decodedResults()
    }

    /// The result of the capture with `eventId`, waiting for it.
    func result(of eventId: String, timeout: Duration = .seconds(60)) async throws -> VerificationResult {
        let resultID = VerificationResult.eventID(forCapture: eventId)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let found = decodedResults().first(where: { $0.eventId == resultID }) { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no result for capture \(eventId) within \(timeout)")
        throw CancellationError()
    }

    /// Checks each group of records against its kind's schema (`verification-result`,
    /// `verification-status`, ...) with one run of `scripts/validate-schemas`: every record a test
    /// world published must be valid.
    func expectValid(_ groups: [(kind: String, records: [KafkaRecord])]) async throws {
        var arguments: [String] = []
        for (kind, records) in groups where !records.isEmpty {
            let paths = try ContractFiles.temporaryFiles(records.enumerated().map { ("\(kind)-\($0.offset).json", $0.element.value) })
            arguments += ["--kind", kind] + paths
        }
        guard !arguments.isEmpty else { return }
        let run = try await ContractFiles.validate(arguments)
        #expect(run.status == 0, "records the worker published break their schema: \(run.output)")
    }

    /// Vlens calls the simulator saw for a capture (its `request_id` is the capture's eventId).
    func vlensCalls(forCapture eventId: String) -> Int {
        simulator.ledger().calls.filter { $0.requestId == eventId }.count
    }
}
