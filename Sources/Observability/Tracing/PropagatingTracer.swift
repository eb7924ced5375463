import Tracing
import W3CTraceContext

/// The tracer when no collector is configured: it carries the W3C trace context on (a child span id,
/// the sampler's flag, the parent's `tracestate`) and records nothing. Spans that no exporter would
/// ever send cost no recording, no batching and no wake-up of an export task per span.
///
/// It decides the `sampled` flag as swift-otel's samplers do: the parent-based ones follow the
/// capture's flag, the ratio ones compare the trace id's last eight bytes with the ratio.
struct PropagatingTracer: Tracer {
    let sampling: TraceSampling

    func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> PropagatedSpan {
        var context = context()
        let parent = context.propagatedTrace
        let traceID = parent?.traceID ?? TraceID.random()
        let sampled = sampling.samples(traceID: traceID, parentSampled: parent.map { $0.flags.contains(.sampled) })
        context.propagatedTrace = TraceContext(
            traceID: traceID, spanID: SpanID.random(), flags: sampled ? .sampled : [], state: parent?.state ?? TraceState()
        )
        return PropagatedSpan(operationName: operationName, context: context)
    }

    func forceFlush() {}

    func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let traceparent = extractor.extract(key: "traceparent", from: carrier),
              let trace = try? TraceContext(traceParentHeaderValue: traceparent, traceStateHeaderValue: extractor.extract(key: "tracestate", from: carrier))
        else { return }
        context.propagatedTrace = trace
    }

    func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let trace = context.propagatedTrace else { return }
        injector.inject(trace.traceParentHeaderValue, forKey: "traceparent", into: &carrier)
        if let state = trace.traceStateHeaderValue { injector.inject(state, forKey: "tracestate", into: &carrier) }
    }
}

/// A span of ``PropagatingTracer``: its context only; attributes, events and status are dropped.
final class PropagatedSpan: Span {
    let context: InstrumentationContext
    var operationName: String {
        get { storedName }
        set {}
    }
    private let storedName: String

    init(operationName: String, context: InstrumentationContext) {
        storedName = operationName
        self.context = context
    }

    var attributes: SpanAttributes {
        get { [:] }
        set {}
    }

    var isRecording: Bool { false }
    func setStatus(_ status: SpanStatus) {}
    func addEvent(_ event: SpanEvent) {}
    func addLink(_ link: SpanLink) {}
    func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {}
    func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {}
}

extension TraceSampling {
    /// Whether a span of `traceID` is sampled; `parentSampled` is the parent's flag, nil for a root.
    func samples(traceID: TraceID, parentSampled: Bool?) -> Bool {
        switch self {
        case .alwaysOn: true
        case .alwaysOff: false
        case .traceIDRatio(let ratio): Self.ratioSamples(traceID, ratio)
        case .parentBasedAlwaysOn: parentSampled ?? true
        case .parentBasedAlwaysOff: parentSampled ?? false
        case .parentBasedTraceIDRatio(let ratio): parentSampled ?? Self.ratioSamples(traceID, ratio)
        }
    }

    /// swift-otel's `TraceIdRatioBased`: the trace id's last eight bytes, loaded as a native `UInt64`,
    /// below ratio × `UInt64.max`.
    private static func ratioSamples(_ traceID: TraceID, _ ratio: Double) -> Bool {
        guard ratio < 1 else { return true }
        guard ratio > 0 else { return false }
        let value = withUnsafeBytes(of: traceID.bytes) { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) }
        return value < UInt64(ratio * Double(UInt64.max))
    }
}

private enum PropagatedTraceKey: ServiceContextKey {
    typealias Value = TraceContext
    static let nameOverride: String? = "w3c-trace-context"
}

extension InstrumentationContext {
    /// The trace context ``PropagatingTracer`` carries.
    fileprivate var propagatedTrace: TraceContext? {
        get { self[PropagatedTraceKey.self] }
        set { self[PropagatedTraceKey.self] = newValue }
    }
}
