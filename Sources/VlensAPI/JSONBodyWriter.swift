import NIOCore

/// Writes a flat JSON object as a ``JSONBody``. Base64 images need no escaping, which a single scan
/// confirms: they go in as views, copied only when the body is read (strings that do need escaping
/// are escaped correctly, byte by byte). Package-visible for the micro-benchmarks (`Sources/VlensMicroBench`).
package struct JSONBodyWriter {
    private var buffer: ByteBuffer
    private var segments: [JSONBody.Segment] = []
    private let allocator: ByteBufferAllocator
    private var isEmpty = true

    /// `capacity`: the bytes expected outside the images (keys, short values).
    package init(allocator: ByteBufferAllocator = ByteBufferAllocator(), capacity: Int) {
        self.allocator = allocator
        buffer = allocator.buffer(capacity: capacity + 2)
        buffer.writeInteger(UInt8(ascii: "{"))
    }

    package mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        writeKey(key)
        writeString(value)
    }

    /// A base64 value, as a view of `value` (escaped byte by byte into a copy, should it need it).
    package mutating func field(_ key: StaticString, base64 value: ArraySlice<UInt8>) {
        writeKey(key)
        buffer.writeInteger(UInt8(ascii: "\""))
        if !value.withUnsafeBufferPointer(Self.needsEscaping) {
            segments.append(.text(buffer))
            segments.append(.image(value))
            buffer = allocator.buffer(capacity: 128)
        } else {
            for byte in value { writeEscaped(byte) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    package mutating func field(_ key: StaticString, _ value: Bool) {
        writeKey(key)
        buffer.writeStaticString(value ? "true" : "false")
    }

    /// The body, its images still views.
    package mutating func finishBody() -> JSONBody {
        buffer.writeInteger(UInt8(ascii: "}"))
        return JSONBody(segments: segments + [.text(buffer)])
    }

    /// The body in one buffer.
    package mutating func finish() -> ByteBuffer {
        finishBody().joined(allocator: allocator)
    }

    private mutating func writeKey(_ key: StaticString) {
        if !isEmpty { buffer.writeInteger(UInt8(ascii: ",")) }
        isEmpty = false
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(key)
        buffer.writeStaticString("\":")
    }

    private mutating func writeString(_ value: String) {
        buffer.writeInteger(UInt8(ascii: "\""))
        if !Self.needsEscaping(value) {
            buffer.writeString(value)
        } else {
            for byte in value.utf8 { writeEscaped(byte) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// Whether any byte of `value` needs escaping (a control character, `"` or a backslash). One pass without
    /// branches over the contiguous UTF-8, which the compiler vectorises: images are megabytes of base64.
    static func needsEscaping(_ value: String) -> Bool {
        var value = value
        return value.withUTF8(needsEscaping)
    }

    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var flagged: UInt8 = 0
        for byte in bytes {
            flagged |= (byte < 0x20 ? 1 : 0) | (byte == UInt8(ascii: "\"") ? 1 : 0) | (byte == UInt8(ascii: "\\") ? 1 : 0)
        }
        return flagged != 0
    }

    private mutating func writeEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
        case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
        case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
        case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
        case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
        case 0..<0x20:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            buffer.writeStaticString("\\u00")
            buffer.writeInteger(hex[Int(byte >> 4)])
            buffer.writeInteger(hex[Int(byte & 0xF)])
        default: buffer.writeInteger(byte)
        }
    }
}
