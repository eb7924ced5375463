import Logging

/// One log line as compact JSON, written byte by byte: an object of the given fields, keys in
/// code-point order, nested metadata as arrays and objects, strings escaped as JSON requires
/// (`"`, `\` and control characters; `/` and non-ASCII stay as they are), then a newline.
///
/// It replaces `JSONSerialization` with `.sortedKeys`, which sorts keys through an ICU collator and
/// went through `Any` boxes: the worker logs a line per capture at the default level.
package struct JSONLogLine {
    package private(set) var bytes: [UInt8] = []

    package init(_ fields: [(key: String, value: Logger.MetadataValue)]) {
        bytes.reserveCapacity(256)
        writeObject(fields)
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func writeObject(_ fields: [(key: String, value: Logger.MetadataValue)]) {
        bytes.append(UInt8(ascii: "{"))
        for (index, field) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(field.key)
            bytes.append(UInt8(ascii: ":"))
            writeValue(field.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeValue(_ value: Logger.MetadataValue) {
        switch value {
        case .string(let string):
            writeString(string)
        case .stringConvertible(let convertible):
            writeString(convertible.description)
        case .array(let values):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeValue(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            writeObject(dictionary.map { (key: $0.key, value: $0.value) })
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20: bytes.append(contentsOf: Array("\\u00".utf8) + [Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
