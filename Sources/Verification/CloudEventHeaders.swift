/// The CloudEvents 1.0 attributes of an event in the Kafka protocol binding's binary mode
/// (`ce_*` headers, the JSON payload is the data), plus W3C `traceparent`/`tracestate`.
public struct CloudEventHeaders: Hashable, Sendable {
    /// `ce_type` of captures.
    public static let captureType = "identity.capture-submitted.v1"
    /// `ce_type` of results.
    public static let resultType = "identity.verification-result.v2"
    /// `ce_type` of status records.
    public static let statusType = "identity.verification-status.v1"
    /// The content type of both events.
    public static let jsonContentType = "application/json"

    /// `ce_id`: the event's eventId.
    public var id: String
    /// `ce_type`.
    public var type: String
    /// `ce_source`: URI-reference of the producer, e.g. `/vlens-worker`.
    public var source: String
    /// `ce_specversion`: always `1.0`.
    public var specVersion: String
    /// `ce_subject`: the transactionId.
    public var subject: String
    /// `ce_time`.
    public var time: Timestamp
    /// `content-type`.
    public var contentType: String
    /// `ce_dataschema`, optional.
    public var dataSchema: String?
    /// W3C `traceparent`, carried from a capture to its result.
    public var traceparent: String?
    /// W3C `tracestate`, carried with `traceparent`.
    public var tracestate: String?

    public init(
        id: String,
        type: String,
        source: String,
        subject: String,
        time: Timestamp,
        contentType: String = CloudEventHeaders.jsonContentType,
        dataSchema: String? = nil,
        traceparent: String? = nil,
        tracestate: String? = nil
    ) {
        self.id = id
        self.type = type
        self.source = source
        self.specVersion = "1.0"
        self.subject = subject
        self.time = time
        self.contentType = contentType
        self.dataSchema = dataSchema
        self.traceparent = traceparent
        self.tracestate = tracestate
    }

    /// Reads the attributes from Kafka headers. Every required header must be present and UTF-8,
    /// `ce_specversion` must be `1.0` and `ce_time` RFC 3339; otherwise a ``ContractError`` names the header.
    public init(parsing headers: [MessageHeader]) throws(ContractError) {
        func required(_ name: String) throws(ContractError) -> String {
            guard let header = headers.last(where: { $0.name == name }) else {
                throw ContractError(code: .missingHeader, field: name, message: "header \(name): missing (required)")
            }
            guard let text = header.text, !text.isEmpty else {
                throw ContractError(
                    code: .headerMismatch, field: name, message: "header \(name): is empty or not UTF-8 text")
            }
            return text
        }
        self.id = try required("ce_id")
        self.type = try required("ce_type")
        self.source = try required("ce_source")
        self.specVersion = try required("ce_specversion")
        guard specVersion == "1.0" else {
            throw ContractError(
                code: .headerMismatch, field: "ce_specversion", message: "header ce_specversion: must be 1.0")
        }
        self.subject = try required("ce_subject")
        guard let time = Timestamp(rfc3339: try required("ce_time")) else {
            throw ContractError(
                code: .headerMismatch, field: "ce_time", message: "header ce_time: is not an RFC 3339 date-time")
        }
        self.time = time
        self.contentType = try required("content-type")
        self.dataSchema = headers.text("ce_dataschema")
        self.traceparent = headers.text("traceparent")
        self.tracestate = headers.text("tracestate")
    }

    /// The Kafka headers, in a fixed order; optional ones only when set.
    public var messageHeaders: [MessageHeader] {
        var headers = [
            MessageHeader(name: "ce_id", text: id),
            MessageHeader(name: "ce_type", text: type),
            MessageHeader(name: "ce_source", text: source),
            MessageHeader(name: "ce_specversion", text: specVersion),
            MessageHeader(name: "ce_subject", text: subject),
            MessageHeader(name: "ce_time", text: time.text),
            MessageHeader(name: "content-type", text: contentType),
        ]
        if let dataSchema { headers.append(MessageHeader(name: "ce_dataschema", text: dataSchema)) }
        if let traceparent { headers.append(MessageHeader(name: "traceparent", text: traceparent)) }
        if let tracestate { headers.append(MessageHeader(name: "tracestate", text: tracestate)) }
        return headers
    }
}
