import Base64Syntax
/// The schema's value rules for strings, checked while decoding so that Swift accepts exactly
/// what the JSON Schemas accept. Failures name the field, never the value.
package enum FieldRules {
    /// 1 to 128 printable ASCII characters without spaces.
    static func identifier(_ value: String, at path: [any CodingKey]) throws {
        guard isIdentifier(value.utf8) else {
            throw ContractError.invalid(path, "must be 1 to 128 printable ASCII characters without spaces")
        }
    }

    /// Whether `bytes` are an identifier of the schemas (event, transaction and tenant-side ids):
    /// 1 to 128 printable ASCII characters without spaces.
    package static func isIdentifier(_ bytes: some Collection<UInt8>) -> Bool {
        isVisibleASCII(bytes, maxLength: 128)
    }

    /// 1 to 64 of `A-Z a-z 0-9 . _ -`.
    static func tenant(_ value: String, at path: [any CodingKey]) throws {
        guard isTenant(value.utf8) else {
            throw ContractError.invalid(path, "must be 1 to 64 of the characters A-Z a-z 0-9 . _ -")
        }
    }

    /// Whether `bytes` are a tenant name of the schemas: 1 to 64 of `A-Z a-z 0-9 . _ -`.
    package static func isTenant(_ bytes: some Collection<UInt8>) -> Bool {
        (1...64).contains(bytes.count) && bytes.allSatisfy(isTenantByte)
    }

    /// 1 to `maxLength` printable ASCII characters without spaces: a token sent in an HTTP header.
    static func headerToken(_ value: String, maxLength: Int, at path: [any CodingKey]) throws {
        guard isVisibleASCII(value.utf8, maxLength: maxLength) else {
            throw ContractError.invalid(path, "must be 1 to \(maxLength) printable ASCII characters without spaces")
        }
    }

    /// Standard padded base64 syntax (RFC 4648 section 4). Checks the alphabet and the padding
    /// without decoding: the image stays a string all the way to Vlens. The alphabet check has no
    /// branches, so the compiler vectorises it (images are megabytes).
    static func isBase64(_ value: String) -> Bool { Base64Syntax.isStandard(value) }

    static func isBase64(_ value: ArraySlice<UInt8>) -> Bool {
        value.withUnsafeBufferPointer(Base64Syntax.isStandard)
    }

    /// 64 lower-case hex digits.
    static func isSHA256Hex(_ value: String) -> Bool {
        value.utf8.count == 64
            && value.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// An absolute `http` or `https` URL with a host, at most 2048 bytes.
    static func isHTTPURL(_ value: String) -> Bool {
        guard value.utf8.count <= 2048, value.hasPrefix("https://") || value.hasPrefix("http://") else {
            return false
        }
        let rest = value.drop(while: { $0 != ":" }).dropFirst(3)
        let host = rest.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" })
        return !host.isEmpty && !value.contains(where: { $0 == " " || $0.isNewline })
    }

    /// 1 to `maxLength` bytes of printable ASCII without spaces (0x21–0x7E).
    private static func isVisibleASCII(_ bytes: some Collection<UInt8>, maxLength: Int) -> Bool {
        (1...maxLength).contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }

    private static func isTenantByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
