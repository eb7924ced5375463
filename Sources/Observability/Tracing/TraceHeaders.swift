import Tracing

/// A span's W3C Trace Context as header values, to put on a Vlens request or a result record.
public struct TraceHeaders: Sendable, Equatable {
    /// `traceparent`: version, trace id, this span's id, flags (bit 0: sampled).
    public var traceparent: String?
    /// `tracestate`: vendor entries passed on unchanged.
    public var tracestate: String?

    public init(traceparent: String? = nil, tracestate: String? = nil) {
        self.traceparent = traceparent
        self.tracestate = tracestate
    }

    /// Fills the two fields from a tracer's `inject`; other keys are not Trace Context and are ignored.
    struct Writer: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout TraceHeaders) {
            switch key.lowercased() {
            case "traceparent": carrier.traceparent = value
            case "tracestate": carrier.tracestate = value.isEmpty ? nil : value
            default: break
            }
        }
    }
}
