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

    /// Trace headers as received on a record, kept only when well-formed (W3C Trace Context): a
    /// `traceparent` of version `00`–`fe` with non-zero ids, and a `tracestate` of at most 512
    /// printable ASCII characters beside it. Anything else is dropped, so a malformed header (a
    /// line break, a NUL) never reaches an HTTP request.
    public static func received(traceparent: String?, tracestate: String?) -> TraceHeaders {
        guard let traceparent, isTraceparent(Array(traceparent.utf8)) else { return TraceHeaders() }
        let state = tracestate.flatMap { state -> String? in
            let bytes = state.utf8
            return (1...512).contains(bytes.count) && bytes.allSatisfy({ (0x20...0x7E).contains($0) }) ? state : nil
        }
        return TraceHeaders(traceparent: traceparent, tracestate: state)
    }

    /// `vv-<32 hex>-<16 hex>-ff`, lower-case hex, version not `ff`, ids not all zero. A future
    /// version may append `-…` fields after the 55 characters of version 00.
    private static func isTraceparent(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 55 || (bytes.count > 56 && bytes[55] == UInt8(ascii: "-") && !bytes.starts(with: Array("00".utf8))) else { return false }
        func isHex(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) } }
        func isZero(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 == UInt8(ascii: "0") } }
        let dash = UInt8(ascii: "-")
        guard bytes[2] == dash, bytes[35] == dash, bytes[52] == dash,
            isHex(0..<2), isHex(3..<35), isHex(36..<52), isHex(53..<55),
            !bytes[0..<2].elementsEqual(Array("ff".utf8)), !isZero(3..<35), !isZero(36..<52)
        else { return false }
        return bytes.count == 55 || bytes[55...].allSatisfy { (0x21...0x7E).contains($0) }
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
