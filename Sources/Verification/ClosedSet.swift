/// A value of one of the contract's closed string sets (steps, outcomes, verdicts, mismatches):
/// a struct over a private set of cases, so cases can be added without breaking API.
///
/// Decoding an unknown value fails naming the field and the allowed values, never the value itself.
public protocol ClosedStringSet: RawRepresentable<String>, CaseIterable, Codable, Hashable, Sendable,
    CustomStringConvertible
where AllCases == [Self] {}

extension ClosedStringSet {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            let names = Self.allCases.map(\.rawValue)
            let allowed = names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
            throw ContractError.invalid(decoder.codingPath, "unknown value (expected \(allowed))")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}
