import Synchronization
import Tracing

/// A span of the worker's tracer: its W3C identity, timing, attributes and status. Ending it
/// hands a ``FinishedSpan`` to the exporter, if one is configured.
public final class WorkerSpan: Span {
    public let context: InstrumentationContext
    package let kind: SpanKind
    package let parentSpanID: String?
    package let startNanoseconds: UInt64
    private let onEnd: @Sendable (FinishedSpan) -> Void
    private let state: Mutex<State>

    private struct State {
        package var operationName: String
        package var attributes = SpanAttributes()
        package var status: SpanStatus?
        package var ended = false
    }

    package init(operationName: String, context: InstrumentationContext, kind: SpanKind, parentSpanID: String?, startNanoseconds: UInt64, onEnd: @escaping @Sendable (FinishedSpan) -> Void) {
        self.context = context
        self.kind = kind
        self.parentSpanID = parentSpanID
        self.startNanoseconds = startNanoseconds
        self.onEnd = onEnd
        self.state = Mutex(State(operationName: operationName))
    }

    /// This span's `traceparent`, to propagate.
    public var traceParent: TraceParent? { context.traceParent }

    public var operationName: String {
        get { state.withLock { $0.operationName } }
        set { state.withLock { $0.operationName = newValue } }
    }

    public var attributes: SpanAttributes {
        get { state.withLock { $0.attributes } }
        set { state.withLock { $0.attributes = newValue } }
    }

    public var isRecording: Bool { state.withLock { !$0.ended } }

    public func setStatus(_ status: SpanStatus) {
        state.withLock { $0.status = status }
    }

    /// Events are not exported; the worker's logs carry them.
    public func addEvent(_ event: SpanEvent) {}

    public func addLink(_ link: SpanLink) {}

    /// Records the error's type, never its message (messages may carry request detail).
    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        state.withLock {
            $0.status = SpanStatus(code: .error, message: "\(type(of: error))")
            $0.attributes["error.type"] = "\(type(of: error))"
        }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let end = instant().nanosecondsSinceEpoch
        let finished: FinishedSpan? = state.withLock { state in
            guard !state.ended, let traceParent = context.traceParent else { return nil }
            state.ended = true
            return FinishedSpan(
                name: state.operationName, traceParent: traceParent, parentSpanID: parentSpanID, kind: kind,
                startNanoseconds: startNanoseconds, endNanoseconds: end, attributes: state.attributes, status: state.status
            )
        }
        if let finished { onEnd(finished) }
    }
}

/// An ended span, as the exporter sees it.
package struct FinishedSpan: Sendable {
    package var name: String
    package var traceParent: TraceParent
    package var parentSpanID: String?
    package var kind: SpanKind
    package var startNanoseconds: UInt64
    package var endNanoseconds: UInt64
    package var attributes: SpanAttributes
    package var status: SpanStatus?
}
