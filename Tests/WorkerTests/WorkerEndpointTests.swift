import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

/// The operations endpoints of a running worker, over real HTTP.
@Suite("Operating: health and metrics endpoints", .timeLimit(.minutes(3)))
struct WorkerEndpointTests {
    static func get(_ url: String) async throws -> (status: UInt, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        return (response.status.code, String(buffer: body))
    }

    @Test("/health/live answers at once; /health/ready turns ready after the group join and reports the breaker; /metrics exposes the worker's series")
    func endpoints() async throws {
        try await WorkflowHarness.run(startWorker: false) { harness in
            let port = Mutex<Int?>(nil)
            let worker = Task { try await harness.runWorker(registry: harness.registry, onHTTPRunning: { bound in port.withLock { $0 = bound } }) }
            defer { worker.cancel() }
            var deadline = ContinuousClock.now + .seconds(30)
            while port.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            let base = "http://127.0.0.1:\(try #require(port.withLock { $0 }))"

            let live = try await Self.get("\(base)/health/live")
            #expect(live.status == 200)
            #expect(live.body.contains(#""status":"live""#))

            var ready = try await Self.get("\(base)/health/ready")
            deadline = ContinuousClock.now + .seconds(30)
            while ready.status != 200, ContinuousClock.now < deadline {
                #expect(ready.status == 503, "not ready yet is 503, not an error")
                try await Task.sleep(for: .milliseconds(200))
                ready = try await Self.get("\(base)/health/ready")
            }
            #expect(ready.status == 200)
            #expect(ready.body.contains(#""groupJoined":true"#))
            #expect(ready.body.contains(#""storeReachable":true"#))
            #expect(ready.body.contains(#""breaker":"closed""#))

            let capture = CaptureFactory().front()
            try await harness.submit(capture)
            _ = try await harness.result(of: capture.eventId)
            try await harness.submitRaw(key: "tx-endpoint-poison", value: Array("not json".utf8))
            try await harness.deadLetters.waitFor(count: 1, timeout: .seconds(30))
            try await Task.sleep(for: .seconds(1))

            let metrics = try await Self.get("\(base)/metrics")
            #expect(metrics.status == 200)
            for series in [
                "vlens_worker_records_consumed_total",
                "vlens_worker_vlens_request_duration_seconds_bucket",
                "vlens_worker_store_duration_seconds_bucket",
                #"vlens_worker_dead_letters_total{reason="malformed_json"}"#,
                "vlens_worker_in_flight_records",
                "vlens_worker_in_flight_bytes_peak",
                "vlens_worker_assigned_partitions",
                "vlens_worker_rebalances_total",
                "vlens_worker_commit_lag",
            ] {
                #expect(metrics.body.contains(series), "missing \(series)")
            }
            let lines = metrics.body.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("vlens_worker_results_total{") && $0.contains(#"step="id_front""#) && $0.contains(#"outcome="succeeded""#) })
            #expect(!metrics.body.contains(capture.transactionId), "no transaction ids in metric labels")
        }
    }
}
