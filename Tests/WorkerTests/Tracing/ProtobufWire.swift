/// Protocol Buffers' wire format, read field by field: just enough for a test collector to read
/// OTLP requests without the generated types of the exporter under test.
struct ProtobufWire {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes([UInt8])
        case fixed32(UInt32)

        var bytes: [UInt8] {
            if case .bytes(let bytes) = self { return bytes }
            return []
        }

        var string: String { String(decoding: bytes, as: UTF8.self) }

        var integer: UInt64 {
            switch self {
            case .varint(let value), .fixed64(let value): value
            case .fixed32(let value): UInt64(value)
            case .bytes: 0
            }
        }

        var hex: String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
    }

    struct Malformed: Error {}

    /// The message's fields in order, as (field number, value).
    static func fields(_ message: [UInt8]) throws -> [(Int, Value)] {
        var fields: [(Int, Value)] = []
        var index = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < message.count, shift < 64 else { throw Malformed() }
                let byte = message[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        func take(_ count: Int) throws -> [UInt8] {
            guard count >= 0, index + count <= message.count else { throw Malformed() }
            defer { index += count }
            return Array(message[index..<index + count])
        }
        func littleEndian(_ bytes: [UInt8]) -> UInt64 {
            bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        while index < message.count {
            let tag = try varint()
            let field = Int(tag >> 3)
            switch tag & 7 {
            case 0: fields.append((field, .varint(try varint())))
            case 1: fields.append((field, .fixed64(littleEndian(try take(8)))))
            case 2: fields.append((field, .bytes(try take(Int(try varint())))))
            case 5: fields.append((field, .fixed32(UInt32(littleEndian(try take(4))))))
            default: throw Malformed()
            }
        }
        return fields
    }
}
