import Foundation

/// An event of the identity contracts, with its JSON wire form.
public protocol ContractEvent: Codable, Sendable {}

extension ContractEvent {
    /// Decodes the event from a Kafka value. Any failure, malformed JSON included, is a
    /// ``ContractError`` naming the field; unknown fields are ignored.
    public static func decode(_ bytes: some Collection<UInt8>) throws(ContractError) -> Self {
        do {
            return try JSONDecoder().decode(Self.self, from: Data(bytes))
        } catch {
            throw ContractError.from(error)
        }
    }

    /// The event's JSON bytes: compact, keys sorted, optional fields left out when absent
    /// (``CompactJSONEncoder``: `JSONEncoder`'s bytes at a fraction of its cost).
    public func encodedJSON() throws -> [UInt8] {
        try CompactJSONEncoder().encode(self)
    }
}

extension CaptureSubmitted: ContractEvent {}
