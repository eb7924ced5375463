import NIOCore

/// Writes a flat JSON object straight into a `ByteBuffer`. Base64 images go in with one copy: they need no
/// escaping, which a single scan confirms (strings that do need it are escaped correctly, byte by byte).
/// Package-visible for the micro-benchmarks (`Sources/VlensMicroBench`).
package struct JSONBodyWriter {
    private(set) var buffer: ByteBuffer
    private var isEmpty = true

    package init(allocator: ByteBufferAllocator = ByteBufferAllocator(), capacity: Int) {
        buffer = allocator.buffer(capacity: capacity + 2)
        buffer.writeInteger(UInt8(ascii: "{"))
    }

    package mutating func field(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        writeKey(key)
        writeString(value)
    }

    /// A base64 value, as bytes: one copy into the body (escaped byte by byte, should it need it).
    package mutating func field(_ key: StaticString, base64 value: ArraySlice<UInt8>) {
        writeKey(key)
        buffer.writeInteger(UInt8(ascii: "\""))
        if !value.withUnsafeBufferPointer(Self.needsEscaping) {
            buffer.writeBytes(value)
        } else {
            for byte in value { writeEscaped(byte) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    package mutating func field(_ key: StaticString, _ value: Bool) {
        writeKey(key)
        buffer.writeStaticString(value ? "true" : "false")
    }

    package mutating func finish() -> ByteBuffer {
        buffer.writeInteger(UInt8(ascii: "}"))
        return buffer
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
