import Foundation
import Hummingbird
import Kafka
import NIOCore
import Synchronization
import Testing
import Worker
import Observability

/// A capture's `traceparent` continues through the Vlens call into the result, and spans are
/// exported over OTLP/HTTP to a collector (here: a real HTTP server in the test).
@Suite("Operating: tracing", .timeLimit(.minutes(3)))
struct WorkflowTracingTests {
    /// Collects the JSON bodies POSTed to `/v1/traces`.
    final class Collector: Sendable {
        let bodies = Mutex<[Data]>([])

        var spans: [[String: Any]] {
            bodies.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                .flatMap { body in
                    ((body["resourceSpans"] as? [[String: Any]]) ?? []).flatMap { resource in
                        ((resource["scopeSpans"] as? [[String: Any]]) ?? []).flatMap { ($0["spans"] as? [[String: Any]]) ?? [] }
                    }
                }
        }

        func run(onPort: @escaping @Sendable (Int) async -> Void) async throws {
            let router = Router()
            router.post("/v1/traces") { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 16 << 20)
                self.bodies.withLock { $0.append(Data(buffer: body)) }
                return .ok
            }
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: { await onPort($0.localAddress?.port ?? 0) })
            try await app.runService()
        }
    }

    @Test("the capture's trace id reaches Vlens and the result in child spans, and the spans are exported")
    func traceparentPropagates() async throws {
        let collector = Collector()
        let port = Mutex<Int?>(nil)
        let server = Task { try await collector.run { bound in port.withLock { $0 = bound } } }
        defer { server.cancel() }
        let deadline = ContinuousClock.now + .seconds(10)
        while port.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let endpoint = "http://127.0.0.1:\(try #require(port.withLock { $0 }))"

        try await InProcessHarness.run(environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": endpoint]) { harness in
            let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
            let upstreamSpan = "00f067aa0ba902b7"
            let capture = CaptureFactory().front()
            try await harness.submit(capture, traceparent: "00-\(traceID)-\(upstreamSpan)-01")
            _ = try await harness.result(of: capture.eventId)

            let sent = try #require(harness.simulator.ledger().calls.first?.traceparent.flatMap(TraceParent.init))
            #expect(sent.traceID == traceID)
            #expect(sent.spanID != upstreamSpan)

            let record = try #require(harness.results.records.first)
            let published = try #require(record.header("traceparent").flatMap(TraceParent.init))
            #expect(published.traceID == traceID)
            #expect(published.spanID != upstreamSpan)

            var spans: [[String: Any]] = []
            let exported = ContinuousClock.now + .seconds(15)
            while spans.count < 2, ContinuousClock.now < exported {
                try await Task.sleep(for: .milliseconds(200))
                spans = collector.spans.filter { $0["traceId"] as? String == traceID }
            }
            let consumer = try #require(spans.first { $0["kind"] as? Int == 5 })
            let client = try #require(spans.first { $0["kind"] as? Int == 3 })
            #expect(consumer["parentSpanId"] as? String == upstreamSpan)
            #expect(consumer["spanId"] as? String == published.spanID)
            #expect(client["parentSpanId"] as? String == published.spanID)
            #expect(client["spanId"] as? String == sent.spanID)
            #expect(client["name"] as? String == "vlens id_front")
        }
    }
}
