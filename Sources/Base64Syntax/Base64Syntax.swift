/// Standard padded base64 (RFC 4648 section 4) checked as syntax, without decoding: the capture
/// contract's rule for inline images, and the simulator's for Vlens request images. Images are
/// megabytes, so the alphabet loop has no branches and the compiler vectorises it.
public enum Base64Syntax {
    /// `A-Z a-z 0-9 + /`, a length that is a multiple of 4 (at least 4), at most two trailing `=`,
    /// no line breaks or spaces.
    public static func isStandard(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 4, bytes.count % 4 == 0, let base = bytes.baseAddress else { return false }
        // Up to two `=` at the end; any other `=` fails the alphabet below.
        var end = bytes.count
        while end > bytes.count - 2, bytes[end - 1] == UInt8(ascii: "=") { end -= 1 }
        // Comparisons without short-circuits over a plain buffer: the compiler vectorises the loop.
        var invalid: UInt8 = 0
        for byte in UnsafeBufferPointer(start: base, count: end) {
            let upper: UInt8 = byte &- UInt8(ascii: "A") < 26 ? 1 : 0
            let lower: UInt8 = byte &- UInt8(ascii: "a") < 26 ? 1 : 0
            let digit: UInt8 = byte &- UInt8(ascii: "0") < 10 ? 1 : 0
            let plus: UInt8 = byte == UInt8(ascii: "+") ? 1 : 0
            let slash: UInt8 = byte == UInt8(ascii: "/") ? 1 : 0
            invalid |= (upper | lower | digit | plus | slash) ^ 1
        }
        return invalid == 0
    }


    /// ``isStandard(_:)`` of a string's UTF-8.
    public static func isStandard(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { isStandard($0) }
    }

}
