import Tracing

/// A W3C Trace Context `traceparent`: version 00, a 16-byte trace id, an 8-byte span id, flags.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// 32 lower-case hex digits, not all zero.
    public var traceID: String
    /// 16 lower-case hex digits, not all zero.
    public var spanID: String
    /// Bit 0: sampled.
    public var flags: UInt8

    /// Parses a `traceparent` header; nil when it is malformed (the W3C rule: then start a new trace).
    public init?(_ header: String) {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].count == 2, parts[0] != "ff",
            parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) && $0 == $0.lowercased() }),
            parts[1] != Substring(String(repeating: "0", count: 32)), parts[2] != "0000000000000000",
            let flags = UInt8(parts[3], radix: 16)
        else { return nil }
        self.init(traceID: String(parts[1]), spanID: String(parts[2]), flags: flags)
    }

    public init(traceID: String, spanID: String, flags: UInt8) {
        self.traceID = traceID
        self.spanID = spanID
        self.flags = flags
    }

    /// A new root: random trace and span ids, sampled.
    package static func root() -> TraceParent {
        TraceParent(traceID: randomHex(bytes: 16), spanID: randomHex(bytes: 8), flags: 1)
    }

    /// A child in the same trace, with a new span id.
    package func child() -> TraceParent {
        TraceParent(traceID: traceID, spanID: Self.randomHex(bytes: 8), flags: flags)
    }

    /// The header value.
    public var description: String {
        "00-\(traceID)-\(spanID)-\(String(flags, radix: 16).leftPadded(to: 2))"
    }

    /// `bytes` (a multiple of 8) random bytes in lowercase hex: one system random draw per 8 bytes,
    /// written digit by digit (every capture starts two or three spans).
    package static func randomHex(bytes: Int) -> String {
        let digits: StaticString = "0123456789abcdef"
        var generator = SystemRandomNumberGenerator()
        var text = [UInt8]()
        text.reserveCapacity(bytes * 2)
        for _ in 0..<(bytes / 8) {
            let word = generator.next()
            for shift in stride(from: 60, through: 0, by: -4) {
                text.append(digits.utf8Start[Int(word >> UInt64(shift) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// The span a service context belongs to, and the vendor `tracestate` that travels with it.
package struct TraceParentKey: InstrumentationContextKey {
    package typealias Value = TraceParent
}

package struct TraceStateKey: InstrumentationContextKey {
    package typealias Value = String
}

extension InstrumentationContext {
    /// The W3C trace context of the current span, if any.
    public var traceParent: TraceParent? {
        get { self[TraceParentKey.self] }
        set { self[TraceParentKey.self] = newValue }
    }

    /// The W3C `tracestate` to pass on unchanged.
    public var traceState: String? {
        get { self[TraceStateKey.self] }
        set { self[TraceStateKey.self] = newValue }
    }
}
