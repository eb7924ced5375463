/// An image in a capture: inline base64, or a claim-check reference `{url, sha256, sizeBytes}` to an
/// image stored elsewhere (events with four images can exceed Kafka's default 1 MB message size).
///
/// Inline images stay base64 bytes: they are never decoded here, because Vlens takes base64. A
/// capture decoded with ``CaptureSubmitted/decodeSharingImages(_:)`` keeps each inline image as a
/// slice of the record's own bytes (no copy). The syntax is checked on decoding (alphabet,
/// padding), so a malformed image fails as an invalid event.
public struct ImageReference: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Where to fetch an image, and how to check it.
    public struct ClaimCheck: Hashable, Sendable {
        /// An absolute `http` or `https` URL. The worker fetches only allowed schemes and hosts.
        public var url: String
        /// Lower-case hex SHA-256 of the image bytes.
        public var sha256: String
        /// The image's size in bytes.
        public var sizeBytes: Int

        public init(url: String, sha256: String, sizeBytes: Int) {
            self.url = url
            self.sha256 = sha256
            self.sizeBytes = sizeBytes
        }
    }

    enum Backing: Hashable, Sendable {
        case inline(base64: ArraySlice<UInt8>)
        case claimCheck(ClaimCheck)
    }

    let backing: Backing

    init(backing: Backing) { self.backing = backing }

    /// An inline image, as standard padded base64.
    public static func inline(base64: String) -> ImageReference { ImageReference(backing: .inline(base64: ArraySlice(base64.utf8))) }

    /// An inline image whose base64 text is `bytes` (e.g. a slice of the record that carried it).
    public static func inline(base64Bytes bytes: ArraySlice<UInt8>) -> ImageReference { ImageReference(backing: .inline(base64: bytes)) }

    /// A claim-check reference.
    public static func claimCheck(_ reference: ClaimCheck) -> ImageReference {
        ImageReference(backing: .claimCheck(reference))
    }

    /// The base64 text of an inline image (a copy); `nil` for a claim check.
    public var inlineBase64: String? {
        if case .inline(let base64) = backing { return String(decoding: base64, as: UTF8.self) }
        return nil
    }

    /// The base64 bytes of an inline image, without copying them; `nil` for a claim check.
    public var inlineBase64Bytes: ArraySlice<UInt8>? {
        if case .inline(let base64) = backing { return base64 }
        return nil
    }

    /// The reference of a claim-checked image; `nil` for an inline one.
    public var claimCheck: ClaimCheck? {
        if case .claimCheck(let reference) = backing { return reference }
        return nil
    }

    /// Never shows image data or the URL (which may carry an access token).
    public var description: String {
        switch backing {
        case .inline(let base64): "inline image (\(base64.count) base64 characters)"
        case .claimCheck(let reference): "claim-checked image (\(reference.sizeBytes) bytes)"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case base64, url, sha256, sizeBytes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let path = container.codingPath
        switch (container.contains(.base64), container.contains(.url)) {
        case (true, true):
            throw ContractError.invalid(path, "has both base64 and url; an image is exactly one of them")
        case (false, false):
            throw ContractError.missing(path, "needs base64, or url with sha256 and sizeBytes")
        case (true, false):
            let text = try container.decode(String.self, forKey: .base64)
            let base64 = (decoder.userInfo[InlineImages.userInfoKey] as? InlineImages)?.image(for: text) ?? ArraySlice(text.utf8)
            guard FieldRules.isBase64(base64) else {
                throw ContractError.invalid(
                    path + [CodingKeys.base64], "is not valid standard base64 (padded, no line breaks)")
            }
            self.backing = .inline(base64: base64)
        case (false, true):
            let url = try container.decode(String.self, forKey: .url)
            let sha256 = try container.decode(String.self, forKey: .sha256)
            let sizeBytes = try container.decode(Int.self, forKey: .sizeBytes)
            guard FieldRules.isHTTPURL(url) else {
                throw ContractError.invalid(path + [CodingKeys.url], "must be an absolute http or https URL")
            }
            guard FieldRules.isSHA256Hex(sha256) else {
                throw ContractError.invalid(path + [CodingKeys.sha256], "must be 64 lower-case hex digits")
            }
            guard sizeBytes >= 1 else {
                throw ContractError.invalid(path + [CodingKeys.sizeBytes], "must be at least 1")
            }
            self.backing = .claimCheck(ClaimCheck(url: url, sha256: sha256, sizeBytes: sizeBytes))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch backing {
        case .inline(let base64):
            try container.encode(String(decoding: base64, as: UTF8.self), forKey: .base64)
        case .claimCheck(let reference):
            try container.encode(reference.url, forKey: .url)
            try container.encode(reference.sha256, forKey: .sha256)
            try container.encode(reference.sizeBytes, forKey: .sizeBytes)
        }
    }
}
