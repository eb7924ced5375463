import Observability
import Testing

/// Trace headers read from a capture are passed on (to Vlens, into the result) only when they are
/// well-formed W3C Trace Context: a malformed value would break the HTTP request that carries it.
@Suite("Operating: received trace headers")
struct ReceivedTraceHeadersTests {
    static let valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    @Test("a well-formed traceparent and its tracestate are kept")
    func kept() {
        let headers = TraceHeaders.received(traceparent: Self.valid, tracestate: "vendor=a1,other=b2")
        #expect(headers == TraceHeaders(traceparent: Self.valid, tracestate: "vendor=a1,other=b2"))
        let future = TraceHeaders.received(traceparent: "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-later", tracestate: nil)
        #expect(future.traceparent != nil, "a later version may append fields")
    }

    @Test("a malformed traceparent drops both headers", arguments: [
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\n",
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
        "00-0af7651916cd43dd8448eb211c80319c\u{0}b7ad6b7169203331-01",
        "",
    ])
    func dropped(traceparent: String) {
        #expect(TraceHeaders.received(traceparent: traceparent, tracestate: "vendor=a1") == TraceHeaders())
    }

    @Test("a tracestate with a control character or over 512 bytes is dropped; the traceparent stays")
    func badState() {
        for state in ["vendor=a1\r\nX-Injected: 1", String(repeating: "a", count: 513), ""] {
            #expect(TraceHeaders.received(traceparent: Self.valid, tracestate: state) == TraceHeaders(traceparent: Self.valid))
        }
    }
}
