import Tracing

/// The worker's tracer: swift-otel's tracer (W3C Trace Context propagation, sampling, batched
/// OTLP export), with every span wrapped in a ``PrivateSpan`` so that a recorded error keeps its
/// type and never its message.
///
/// A capture without a valid `traceparent` starts a new trace; one whose `traceparent` says "not
/// sampled" is propagated with that flag and not exported. Build it with ``TracingBackend``.
public struct WorkerTracer: Tracer {
    public typealias Span = PrivateSpan

    private let base: any Tracer

    /// Wraps `base`; ``TracingBackend`` passes swift-otel's tracer.
    package init(base: any Tracer) {
        self.base = base
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> PrivateSpan {
        PrivateSpan(base.startAnySpan(operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line))
    }

    public func startAnySpan<Instant: TracerInstant>(
        _ operationName: String, context: @autoclosure () -> InstrumentationContext, ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant, function: String, file fileID: String, line: UInt
    ) -> any Tracing.Span {
        startSpan(operationName, context: context(), ofKind: kind, at: instant(), function: function, file: fileID, line: line)
    }

    public func forceFlush() {
        base.forceFlush()
    }

    public func extract<Carrier, Extract: Extractor>(_ carrier: Carrier, into context: inout InstrumentationContext, using extractor: Extract)
    where Extract.Carrier == Carrier {
        base.extract(carrier, into: &context, using: extractor)
    }

    public func inject<Carrier, Inject: Injector>(_ context: InstrumentationContext, into carrier: inout Carrier, using injector: Inject)
    where Inject.Carrier == Carrier {
        base.inject(context, into: &carrier, using: injector)
    }

    /// The W3C headers that carry `context` on: `traceparent` and, when there is one, `tracestate`.
    /// When `context` has no span (`OTEL_SDK_DISABLED`, or the `always_off` sampler, start none),
    /// `fallback`: the capture's own headers, so its trace still reaches Vlens and the result.
    public func headers(for context: InstrumentationContext, orElse fallback: TraceHeaders) -> TraceHeaders {
        var headers = TraceHeaders()
        inject(context, into: &headers, using: TraceHeaders.Writer())
        return headers.traceparent == nil ? fallback : headers
    }
}
