import AsyncHTTPClient
import Foundation
import Kafka
import Logging
import NIOCore
import Synchronization
import TestSupport
import Testing

/// The worker notices capture partitions that no instance processes. Here the group is left the way
/// tansu left it in the chaos suite: a commit refused with ILLEGAL_GENERATION makes librdkafka drop the
/// assignment as lost, and the rebalance that follows never completes (the mock cluster answers every
/// SyncGroup with REBALANCE_IN_PROGRESS).
@Suite("Operating: partitions without an owner", .timeLimit(.minutes(3)))
struct GroupOwnershipTests {
    struct Timeout: Error, CustomStringConvertible {
        let description: String
    }

    static let offsetCommit = 8
    static let syncGroup = 14
    static let illegalGeneration = 22
    static let rebalanceInProgress = 27

    @Test("a rebalance that never completes is reported in /health/ready and the metric, and cleared when it completes")
    func stuckRebalanceIsReported() async throws {
        let broker = try await MockBroker()
        defer { broker.stop() }
        try await WorkflowHarness.run(partitions: 6, startWorker: false, bootstrapServers: broker.bootstrapServers) { harness in
            let port = Mutex<Int?>(nil)
            let worker = Task {
                try await harness.runWorker(
                    environment: ["UNOWNED_PARTITION_ALERT_MS": "5000"], registry: harness.registry,
                    onHTTPRunning: { bound in port.withLock { $0 = bound } }
                )
            }
            defer { worker.cancel() }
            let base = try await Self.waitFor("the operations port", within: .seconds(30)) { port.withLock { $0 }.map { "http://127.0.0.1:\($0)" } }
            _ = try await Self.waitFor("the worker to own its partitions", within: .seconds(60)) {
                try await Self.ready(base).contains(#""assignedPartitions":6"#) ? true : nil
            }
            #expect(try await Self.ready(base).contains(#""unownedPartitions":[]"#))

            // The coordinator rejects the worker's next commits as of a stale generation, as tansu does, so
            // librdkafka declares the assignment lost and rejoins; then it refuses every SyncGroup.
            try broker.command("errors \(Self.syncGroup) \(Array(repeating: "\(Self.rebalanceInProgress)", count: 1000).joined(separator: ","))")
            try broker.command("errors \(Self.offsetCommit) \(Self.illegalGeneration),\(Self.illegalGeneration),\(Self.illegalGeneration)")
            let capture = CaptureFactory().front()
            try await harness.submit(capture)

            _ = try await Self.waitFor("the unowned partitions to be reported", within: .seconds(90)) {
                try await Self.ready(base).contains(#""unownedPartitions":[0,1,2,3,4,5]"#) ? true : nil
            }
            #expect(try await Self.unownedGauge(base) == 6, "the gauge counts them")

            // The coordinator recovers: the group completes a rebalance, the report clears, nothing was lost.
            try broker.command("clear-errors \(Self.syncGroup)")
            try broker.command("clear-errors \(Self.offsetCommit)")
            _ = try await Self.waitFor("the report to clear", within: .seconds(90)) {
                try await Self.ready(base).contains(#""unownedPartitions":[]"#) ? true : nil
            }
            #expect(try await Self.unownedGauge(base) == 0)
            _ = try await harness.result(of: capture.eventId)
        }
    }

    /// The value of `vlens_worker_unowned_partitions` on `/metrics`.
    static func unownedGauge(_ base: String) async throws -> Double? {
        let metrics = try await get("\(base)/metrics")
        let line = metrics.split(separator: "\n").first { $0.hasPrefix("vlens_worker_unowned_partitions ") }
        return line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }

    static func ready(_ base: String) async throws -> String { try await get("\(base)/health/ready") }

    static func get(_ url: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 4 << 20))
    }

    /// Polls `probe` until it returns a value; fails with `what` after `limit`.
    static func waitFor<T: Sendable>(_ what: String, within limit: Duration, _ probe: @Sendable () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let value = try? await probe() { return value }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw Timeout(description: "timed out after \(limit) waiting for \(what)")
    }
}
