import Foundation
import Kafka
import Testing
import Verification
import VlensSimulator
import Worker

/// Tracing on swift-otel, checked end to end: a capture's `traceparent` continues through the
/// Vlens call into the result, and the spans reach a collector over OTLP/HTTP (a real HTTP server
/// reading the protobuf export) with their parents, their events and the sampling decision kept.
@Suite("Operating: tracing", .timeLimit(.minutes(3)))
struct WorkflowTracingTests {
    static let upstreamSpan = "00f067aa0ba902b7"

    /// The environment for a worker exporting to `endpoint` quickly.
    static func environment(_ endpoint: String, _ extra: [String: String] = [:]) -> [String: String] {
        ["OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_SERVICE_NAME": "vlens-worker-test", "OTEL_BSP_SCHEDULE_DELAY": "200"].merging(extra) { $1 }
    }

    /// A fresh trace id in hex.
    static func traceID() -> String {
        (0..<2).map { _ in String(UInt64.random(in: 1...UInt64.max), radix: 16).leftPadded(to: 16) }.joined()
    }

    /// Parsed `traceparent`: trace id, span id, flags.
    static func parts(_ traceparent: String?) throws -> (trace: String, span: String, flags: String) {
        let parts = try #require(traceparent?.split(separator: "-").map(String.init))
        try #require(parts.count == 4 && parts[0] == "00")
        return (parts[1], parts[2], parts[3])
    }

    /// Waits until the collector holds spans of `traceID` satisfying `done`.
    static func spans(of traceID: String, in collector: OTLPCollector, until done: ([OTLPCollector.Span]) -> Bool) async throws -> [OTLPCollector.Span] {
        let deadline = ContinuousClock.now + .seconds(90)
        var spans: [OTLPCollector.Span] = []
        while ContinuousClock.now < deadline {
            spans = try collector.spans().filter { $0.traceID == traceID }
            if done(spans) { return spans }
            try await Task.sleep(for: .milliseconds(100))
        }
        return spans
    }

    @Test("the capture's trace reaches Vlens and the result in child spans, exported with their parents and events")
    func traceContinuesAndIsExported() async throws {
        try await OTLPCollector.withRunning { collector, endpoint in
            try await InProcessHarness.run(environment: Self.environment(endpoint)) { harness in
                let traceID = Self.traceID()
                let capture = CaptureFactory().front()
                try await harness.submit(capture, traceparent: "00-\(traceID)-\(Self.upstreamSpan)-01", tracestate: "vendor=abc")
                _ = try await harness.result(of: capture.eventId)

                let sent = try Self.parts(harness.simulator.ledger().calls.first?.traceparent)
                #expect(sent.trace == traceID && sent.span != Self.upstreamSpan && sent.flags == "01")
                let record = try #require(harness.results.records.first)
                let published = try Self.parts(record.header("traceparent"))
                #expect(published.trace == traceID && published.span != Self.upstreamSpan && published.flags == "01")
                #expect(record.header("tracestate") == "vendor=abc")

                let spans = try await Self.spans(of: traceID, in: collector) { $0.count >= 2 }
                let consumer = try #require(spans.first { $0.kind == 5 })
                let client = try #require(spans.first { $0.kind == 3 })
                #expect(consumer.name == "process capture")
                #expect(consumer.parentSpanID == Self.upstreamSpan)
                #expect(consumer.spanID == published.span)
                #expect(client.name == "vlens id_front")
                #expect(client.parentSpanID == consumer.spanID)
                #expect(client.spanID == sent.span)
                #expect(consumer.traceState == "vendor=abc")
                #expect(consumer.serviceName == "vlens-worker-test")
                #expect(consumer.attributes["vlens_worker.step"] == "id_front")
                let event = try #require(consumer.events.first { $0.name == "result published" })
                #expect(event.attributes["vlens_worker.outcome"] == "succeeded")
                #expect(event.attributes["vlens_worker.verdict"] != nil)
                #expect(collector.contentTypes == ["application/x-protobuf"])
            }
        }
    }

    @Test("an unsampled capture passes its trace on flagged unsampled and exports nothing; so does a new trace under parentbased_always_off")
    func samplingIsRespected() async throws {
        try await OTLPCollector.withRunning { collector, endpoint in
            let environment = Self.environment(endpoint, ["OTEL_TRACES_SAMPLER": "parentbased_always_off"])
            try await InProcessHarness.run(environment: environment) { harness in
                let (unsampled, sampled) = (Self.traceID(), Self.traceID())
                let people = (CaptureFactory(), CaptureFactory(), CaptureFactory())
                let captures = (people.0.front(), people.1.front(), people.2.front())
                try await harness.submit(captures.0, traceparent: "00-\(unsampled)-\(Self.upstreamSpan)-00")
                try await harness.submit(captures.1, traceparent: "00-\(sampled)-\(Self.upstreamSpan)-01")
                try await harness.submit(captures.2)
                for capture in [captures.0, captures.1, captures.2] { _ = try await harness.result(of: capture.eventId) }

                func header(of capture: CaptureSubmitted) throws -> (trace: String, span: String, flags: String) {
                    let record = try #require(harness.results.records.first { (try? VerificationResult.decode($0.value))?.causationId == capture.eventId })
                    return try Self.parts(record.header("traceparent"))
                }
                let passedOn = try header(of: captures.0)
                #expect(passedOn.trace == unsampled && passedOn.span != Self.upstreamSpan && passedOn.flags == "00")
                let root = try header(of: captures.2)
                #expect(root.flags == "00")

                // Spans are exported in order of ending, so once the sampled capture's are in, the others would be too.
                let exported = try await Self.spans(of: sampled, in: collector) { $0.count >= 2 }
                #expect(exported.count == 2)
                let all = try collector.spans()
                #expect(!all.contains { $0.traceID == unsampled })
                #expect(!all.contains { $0.traceID == root.trace })
            }
        }
    }

    @Test("with OTEL_SDK_DISABLED there are no spans, and the capture's traceparent is passed on unchanged")
    func sdkDisabled() async throws {
        try await OTLPCollector.withRunning { collector, endpoint in
            try await InProcessHarness.run(environment: Self.environment(endpoint, ["OTEL_SDK_DISABLED": "true"])) { harness in
                let traceID = Self.traceID()
                let traceparent = "00-\(traceID)-\(Self.upstreamSpan)-01"
                let capture = CaptureFactory().front()
                try await harness.submit(capture, traceparent: traceparent, tracestate: "vendor=abc")
                _ = try await harness.result(of: capture.eventId)
                #expect(harness.simulator.ledger().calls.first?.traceparent == traceparent)
                let record = try #require(harness.results.records.first)
                #expect(record.header("traceparent") == traceparent)
                #expect(record.header("tracestate") == "vendor=abc")
                try await Task.sleep(for: .milliseconds(600))
                #expect(collector.requests == 0)
            }
        }
    }

    @Test("a refused export is retried, not dropped (spans sent to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)")
    func refusedExportIsRetried() async throws {
        try await OTLPCollector.withRunning(refusing: 1) { collector, endpoint in
            var environment = Self.environment(endpoint)
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = nil
            environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = endpoint + "/v1/traces"
            try await InProcessHarness.run(environment: environment) { harness in
                let traceID = Self.traceID()
                let capture = CaptureFactory().front()
                try await harness.submit(capture, traceparent: "00-\(traceID)-\(Self.upstreamSpan)-01")
                _ = try await harness.result(of: capture.eventId)
                let spans = try await Self.spans(of: traceID, in: collector) { $0.count >= 2 }
                #expect(spans.count == 2)
                #expect(collector.requests >= 2)
            }
        }
    }

    @Test("an unreachable collector does not stop captures: every one gets its result while exports fail")
    func unreachableCollector() async throws {
        // Port 1 on loopback: nothing listens, every export fails at connect.
        try await InProcessHarness.run(environment: Self.environment("http://127.0.0.1:1")) { harness in
            let people = (0..<4).map { _ in CaptureFactory() }
            for person in people {
                try await harness.submit(person.front(), traceparent: "00-\(Self.traceID())-\(Self.upstreamSpan)-01")
                try await harness.submit(person.back())
            }
            // Exports are attempted (and fail) every 200 ms meanwhile.
            let results = try await harness.waitForResults(8)
            #expect(results.count == 8 && results.allSatisfy { $0.outcome == .succeeded })
        }
    }

    @Test("an error in a span is recorded by its type only: an exception event, error.type, and an error status without a message")
    func errorsKeepTheirTypeOnly() async throws {
        // Vlens keeps answering 503: the call parks the capture (CaptureBlocked thrown through the client span).
        let faults = SimulatorFaults(error503Rate: 1, steps: ["id_front"], rateLimit: .unlimited)
        try await OTLPCollector.withRunning { collector, endpoint in
            let environment = Self.environment(endpoint, ["PARKING_AFTER_MS": "100", "VLENS_RETRY_BASE_DELAY_MS": "10"])
            try await InProcessHarness.run(faults: faults, environment: environment) { harness in
                let traceID = Self.traceID()
                let capture = CaptureFactory().front()
                try await harness.submit(capture, traceparent: "00-\(traceID)-\(Self.upstreamSpan)-01")

                let spans = try await Self.spans(of: traceID, in: collector) { spans in
                    spans.contains { $0.kind == 3 } && spans.contains { $0.kind == 5 }
                }
                let client = try #require(spans.first { $0.kind == 3 })
                let exception = try #require(client.events.first { $0.name == "exception" })
                #expect(exception.attributes["exception.type"] == "CaptureBlocked")
                #expect(exception.attributes["exception.message"] == nil)
                #expect(client.statusCode == 2 && client.statusMessage.isEmpty)
                #expect(client.attributes["error.type"] == "CaptureBlocked")
                let consumer = try #require(spans.first { $0.kind == 5 })
                #expect(consumer.events.first { $0.name == "capture blocked" }?.attributes["vlens_worker.blocked_reason"] == "vlens_unavailable")
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
