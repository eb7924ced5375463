/// An event that breaks its contract: malformed JSON, a missing or mistyped required field, a value
/// outside the schema, or Kafka headers that disagree with the payload.
///
/// `field` names where (`images.faces[1].image`) and `message` says what was wrong and what was
/// expected. Neither ever contains a field's value: values may be personal data. `code` is bounded
/// and fit for a metric label; ``deadLetterReason`` is the `dlq_reason` for the record.
public struct ContractError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of breach; bounded, usable as a metric label.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Backing: String, Hashable, Sendable {
            case malformedJSON = "malformed_json"
            case missingField = "missing_field"
            case wrongType = "wrong_type"
            case invalidValue = "invalid_value"
            case missingHeader = "missing_header"
            case headerMismatch = "header_mismatch"
        }

        let backing: Backing

        /// The bytes are not JSON at all.
        public static let malformedJSON = Code(backing: .malformedJSON)
        /// A required field is absent (or, for a step, a required image).
        public static let missingField = Code(backing: .missingField)
        /// A field has the wrong JSON type.
        public static let wrongType = Code(backing: .wrongType)
        /// A field has the right type but a value the schema does not allow.
        public static let invalidValue = Code(backing: .invalidValue)
        /// A required Kafka header is absent.
        public static let missingHeader = Code(backing: .missingHeader)
        /// The Kafka key or a header disagrees with the payload, or is not valid.
        public static let headerMismatch = Code(backing: .headerMismatch)

        public var description: String { backing.rawValue }
    }

    /// What kind of breach.
    public let code: Code
    /// The offending field's path (`images.faces[1].image`), header name or `key`; `nil` for the whole value.
    public let field: String?
    /// For people: names the field, what was wrong and what was expected; never a value.
    public let message: String

    public init(code: Code, field: String?, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// The dead-letter reason code: `malformed_json` for bytes that are not JSON, else `schema_invalid`.
    public var deadLetterReason: String {
        code == .malformedJSON ? "malformed_json" : "schema_invalid"
    }

    public var description: String { "\(code): \(message)" }
}

extension ContractError {
    static func invalid(_ path: [any CodingKey], _ problem: String) -> ContractError {
        let field = FieldPath.render(path)
        return ContractError(code: .invalidValue, field: field, message: "field \(field): \(problem)")
    }

    static func wrongType(_ path: [any CodingKey], _ problem: String) -> ContractError {
        let field = FieldPath.render(path)
        return ContractError(code: .wrongType, field: field, message: "field \(field): \(problem)")
    }

    static func missing(_ path: [any CodingKey], _ problem: String? = nil) -> ContractError {
        let field = FieldPath.render(path)
        return ContractError(
            code: .missingField,
            field: field,
            message: "field \(field): " + (problem ?? "missing (required)")
        )
    }

    /// Maps a decoding failure to a contract error that names the field but never echoes a value.
    static func from(_ error: any Error) -> ContractError {
        if let error = error as? ContractError { return error }
        guard let error = error as? DecodingError else {
            return ContractError(code: .malformedJSON, field: nil, message: "the value could not be decoded")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .missing(context.codingPath + [key])
        case .valueNotFound(let type, let context):
            return .wrongType(context.codingPath, "is null; expected \(FieldPath.jsonType(type))")
        case .typeMismatch(let type, let context):
            return .wrongType(context.codingPath, "has the wrong type; expected \(FieldPath.jsonType(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return ContractError(code: .malformedJSON, field: nil, message: "the value is not valid JSON")
            }
            // Foundation's own descriptions may quote the value (numbers); never pass them on.
            return .invalid(context.codingPath, "is not a valid value for its type")
        @unknown default:
            return ContractError(code: .malformedJSON, field: nil, message: "the value could not be decoded")
        }
    }
}
