import Logging
import Observability
import Testing
import Tracing

/// Without a collector the worker's tracer records nothing and still carries the trace on, as the
/// exporting tracer does: the capture's trace id, a span id of its own, the sampler's flag and the
/// capture's `tracestate`.
@Suite("Operating: trace propagation without a collector")
struct PropagatingTracerTests {
    static let upstream = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331"

    struct Headers: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }

    /// The headers of a span started under `headers` by the tracer built without a collector.
    static func child(of headers: [String: String], sampling: TraceSampling = .default) throws -> (traceparent: [String], tracestate: String?, recording: Bool) {
        let (tracer, _) = try TracingBackend.make(
            tracesURL: nil, serviceName: "test", sampling: sampling, scheduleDelay: .seconds(1), logger: Logger(label: "test"))
        var context = InstrumentationContext.topLevel
        tracer.extract(headers, into: &context, using: Headers())
        let span = tracer.startSpan("process capture", context: context, ofKind: .consumer)
        span.attributes["vlens_worker.step"] = "id_front"
        defer { span.end() }
        let out = tracer.headers(for: span.context, orElse: TraceHeaders())
        let parts = try #require(out.traceparent).split(separator: "-").map(String.init)
        try #require(parts.count == 4 && parts[0] == "00" && parts[1].count == 32 && parts[2].count == 16)
        return (parts, out.tracestate, span.isRecording)
    }

    @Test("a sampled capture's trace goes on under a new span id, flagged sampled, with its tracestate; nothing is recorded")
    func sampledParent() throws {
        let child = try Self.child(of: ["traceparent": Self.upstream + "-01", "tracestate": "vendor=abc"])
        #expect(child.traceparent[1] == "0af7651916cd43dd8448eb211c80319c")
        #expect(child.traceparent[2] != "b7ad6b7169203331")
        #expect(child.traceparent[3] == "01")
        #expect(child.tracestate == "vendor=abc")
        #expect(!child.recording)
    }

    @Test("the parent-based samplers follow the capture's flag; always_on and always_off do not")
    func parentFlag() throws {
        #expect(try Self.child(of: ["traceparent": Self.upstream + "-00"]).traceparent[3] == "00")
        #expect(try Self.child(of: ["traceparent": Self.upstream + "-01"], sampling: .parentBasedAlwaysOff).traceparent[3] == "01")
        #expect(try Self.child(of: ["traceparent": Self.upstream + "-00"], sampling: .alwaysOn).traceparent[3] == "01")
        #expect(try Self.child(of: ["traceparent": Self.upstream + "-01"], sampling: .alwaysOff).traceparent[3] == "00")
    }

    @Test("a capture without a valid traceparent starts a new trace, sampled as the sampler says for roots")
    func roots() throws {
        let first = try Self.child(of: [:])
        let second = try Self.child(of: ["traceparent": "00-not-a-trace-01", "tracestate": "vendor=abc"])
        #expect(first.traceparent[1] != second.traceparent[1])
        #expect(first.traceparent[3] == "01" && second.traceparent[3] == "01")
        #expect(second.tracestate == nil)
        #expect(try Self.child(of: [:], sampling: .parentBasedAlwaysOff).traceparent[3] == "00")
        #expect(try Self.child(of: [:], sampling: .traceIDRatio(0)).traceparent[3] == "00")
        #expect(try Self.child(of: [:], sampling: .parentBasedTraceIDRatio(1)).traceparent[3] == "01")
    }

    @Test("the ratio samplers sample by the trace id's last eight bytes, as swift-otel's does")
    func ratio() throws {
        // The last eight bytes of this trace id, loaded little-endian as swift-otel does, are 0x01: below any ratio above 2⁻⁶⁰.
        let low = "00-0af7651916cd43dd0100000000000000-b7ad6b7169203331-01"
        let high = "00-0af7651916cd43ddffffffffffffff7f-b7ad6b7169203331-01"
        #expect(try Self.child(of: ["traceparent": low], sampling: .traceIDRatio(0.25)).traceparent[3] == "01")
        #expect(try Self.child(of: ["traceparent": high], sampling: .traceIDRatio(0.25)).traceparent[3] == "00")
        #expect(try Self.child(of: ["traceparent": high], sampling: .parentBasedTraceIDRatio(0.25)).traceparent[3] == "01")
    }
}
