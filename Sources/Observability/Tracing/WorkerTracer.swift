import Kafka
import Tracing

/// The worker's tracer: W3C Trace Context propagation (`traceparent`, `tracestate`) for the
/// capture → Vlens call → result path, and optional export of ended spans over OTLP.
///
/// A capture without a valid `traceparent` starts a new trace. Without an exporter, spans only
/// propagate context.
public struct WorkerTracer: Tracer {
    public typealias Span = WorkerSpan

    package let exporter: OTLPSpanExporter?

    public init(exporter: OTLPSpanExporter? = nil) {
        self.exporter = exporter
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> WorkerSpan {
        var context = context()
        let parent = context.traceParent
        context.traceParent = parent?.child() ?? .root()
        let exporter = self.exporter
        return WorkerSpan(
            operationName: operationName, context: context, kind: kind, parentSpanID: parent?.spanID,
            startNanoseconds: instant().nanosecondsSinceEpoch, onEnd: { exporter?.enqueue($0) }
        )
    }

    public func startAnySpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> any Tracing.Span {
        startSpan(operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line)
    }

    public func forceFlush() {}

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        guard let header = extractor.extract(key: "traceparent", from: carrier), let parent = TraceParent(header) else { return }
        context.traceParent = parent
        context.traceState = extractor.extract(key: "tracestate", from: carrier)
    }

    public func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        guard let parent = context.traceParent else { return }
        injector.inject(parent.description, forKey: "traceparent", into: &carrier)
        if let state = context.traceState { injector.inject(state, forKey: "tracestate", into: &carrier) }
    }
}

/// Reads trace headers from a Kafka record.
package struct KafkaRecordExtractor: Extractor {
    package init() {}

    package func extract(key: String, from carrier: KafkaRecord) -> String? {
        carrier.header(key)
    }
}
