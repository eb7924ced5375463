import Tracing

/// A span that forwards to the tracer's own, except for errors: it records an error's type (the
/// `exception` event and `error.type`), never the error's message, which may carry request detail.
/// `withSpan` sets the error status, without a message.
public final class PrivateSpan: Span {
    private let base: any Span

    init(_ base: any Span) {
        self.base = base
    }

    public var context: InstrumentationContext { base.context }

    public var operationName: String {
        get { base.operationName }
        set { base.operationName = newValue }
    }

    public var attributes: SpanAttributes {
        get { base.attributes }
        set { base.attributes = newValue }
    }

    public var isRecording: Bool { base.isRecording }

    public func setStatus(_ status: SpanStatus) {
        base.setStatus(status)
    }

    public func addEvent(_ event: SpanEvent) {
        base.addEvent(event)
    }

    public func addLink(_ link: SpanLink) {
        base.addLink(link)
    }

    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        let type = String(describing: Swift.type(of: error))
        var eventAttributes = attributes
        eventAttributes["exception.type"] = type
        base.addEvent(SpanEvent(name: "exception", at: instant(), attributes: eventAttributes))
        base.attributes["error.type"] = type
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        base.end(at: instant())
    }
}
