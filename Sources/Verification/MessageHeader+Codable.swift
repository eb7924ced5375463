import Foundation

/// The portable JSON form of a header, used by the dead-letter record: `{name, value}` with the
/// value in base64.
extension MessageHeader: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        value = try Base64Field.decode(container, .value)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(Data(value).base64EncodedString(), forKey: .value)
    }
}

/// Byte fields of the portable JSON forms, as base64 text.
enum Base64Field {
    static func decode<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> [UInt8] {
        let text = try container.decode(String.self, forKey: key)
        guard let data = Data(base64Encoded: text) else {
            throw ContractError.invalid(container.codingPath + [key], "is not valid base64")
        }
        return Array(data)
    }
}
