import Foundation

/// A capture the worker could not process, for `identity.capture-submitted.v1.dlq`
/// (`schemas/dead-letter-record.v1.schema.json`).
///
/// On the topic the record is the original key, value bytes and headers, unchanged, plus the
/// `dlq_*` headers with the reason (``kafkaHeaders``). Its `Codable` form is the portable JSON one
/// (bytes in base64) that replay tools dump.
public struct DeadLetterRecord: Hashable, Sendable {
    /// Why the capture was dead-lettered. Never contains field values.
    public struct Reason: Hashable, Sendable, Codable {
        /// Bounded: `malformed_json`, `schema_invalid`, `oversized`, `disallowed_image_host`,
        /// `image_unavailable`, `retries_exhausted`; new codes may be added within v1.
        public var code: String
        public var message: String
        /// The offending field, when one field is at fault.
        public var field: String?

        public init(code: String, message: String, field: String? = nil) {
            self.code = code
            self.message = message
            self.field = field
        }

        /// The reason for a capture that broke its contract.
        public init(_ error: ContractError) {
            self.init(code: error.deadLetterReason, message: error.message, field: error.field)
        }
    }

    /// Where the original record was read.
    public struct Source: Hashable, Sendable, Codable {
        public var topic: String
        public var partition: Int
        public var offset: Int64

        public init(topic: String, partition: Int, offset: Int64) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
        }
    }

    public var reason: Reason
    public var source: Source
    public var failedAt: Timestamp
    /// Vlens calls made before giving up; 0 for events rejected on input.
    public var attempts: Int
    /// When the original could be read far enough.
    public var transactionId: String?
    /// When the original could be read far enough.
    public var eventId: String?
    /// The original key; `nil` when it had none.
    public var key: [UInt8]?
    /// The original value bytes.
    public var value: [UInt8]
    /// The original headers, in order.
    public var headers: [MessageHeader]

    public init(
        reason: Reason,
        source: Source,
        failedAt: Timestamp,
        attempts: Int,
        transactionId: String? = nil,
        eventId: String? = nil,
        key: [UInt8]?,
        value: [UInt8],
        headers: [MessageHeader]
    ) {
        self.reason = reason
        self.source = source
        self.failedAt = failedAt
        self.attempts = attempts
        self.transactionId = transactionId
        self.eventId = eventId
        self.key = key
        self.value = value
        self.headers = headers
    }
}

extension DeadLetterRecord {
    /// The `dlq_*` header names.
    public enum HeaderName {
        public static let reason = "dlq_reason"
        public static let message = "dlq_message"
        public static let field = "dlq_field"
        public static let sourceTopic = "dlq_source_topic"
        public static let sourcePartition = "dlq_source_partition"
        public static let sourceOffset = "dlq_source_offset"
        public static let failedAt = "dlq_failed_at"
        public static let attempts = "dlq_attempts"
        /// Set when the original value was too large for the dead-letter topic and left out: its
        /// size in bytes. The original stays readable at `dlq_source_*` while the topic retains it.
        public static let valueOmittedBytes = "dlq_value_omitted_bytes"
    }

    /// The headers the worker adds, in a fixed order.
    public var deadLetterHeaders: [MessageHeader] {
        var headers = [
            MessageHeader(name: HeaderName.reason, text: reason.code),
            MessageHeader(name: HeaderName.message, text: reason.message),
        ]
        if let field = reason.field { headers.append(MessageHeader(name: HeaderName.field, text: field)) }
        headers += [
            MessageHeader(name: HeaderName.sourceTopic, text: source.topic),
            MessageHeader(name: HeaderName.sourcePartition, text: String(source.partition)),
            MessageHeader(name: HeaderName.sourceOffset, text: String(source.offset)),
            MessageHeader(name: HeaderName.failedAt, text: failedAt.text),
            MessageHeader(name: HeaderName.attempts, text: String(attempts)),
        ]
        return headers
    }

    /// The record's headers on the dead-letter topic: the original ones (earlier `dlq_*` headers
    /// of a record dead-lettered before are dropped), then ``deadLetterHeaders``.
    public var kafkaHeaders: [MessageHeader] {
        headers.filter { !$0.name.hasPrefix("dlq_") } + deadLetterHeaders
    }

    /// Reads a record back from the dead-letter topic (for replay tools and tests): the `dlq_*`
    /// headers give the reason and source, the rest are the original headers. `transactionId` and
    /// `eventId` are taken from the value when it is a readable capture.
    public init(key: [UInt8]?, value: [UInt8], kafkaHeaders: [MessageHeader]) throws(ContractError) {
        func required(_ name: String) throws(ContractError) -> String {
            guard let text = kafkaHeaders.text(name) else {
                throw ContractError(code: .missingHeader, field: name, message: "header \(name): missing (required)")
            }
            return text
        }
        func number(_ name: String) throws(ContractError) -> Int64 {
            guard let value = Int64(try required(name)), value >= 0 else {
                throw ContractError(
                    code: .headerMismatch, field: name, message: "header \(name): must be a non-negative integer")
            }
            return value
        }
        let reason = Reason(
            code: try required(HeaderName.reason), message: try required(HeaderName.message),
            field: kafkaHeaders.text(HeaderName.field))
        let source = Source(
            topic: try required(HeaderName.sourceTopic),
            partition: Int(try number(HeaderName.sourcePartition)),
            offset: try number(HeaderName.sourceOffset))
        guard let failedAt = Timestamp(rfc3339: try required(HeaderName.failedAt)) else {
            throw ContractError(
                code: .headerMismatch, field: HeaderName.failedAt,
                message: "header dlq_failed_at: is not an RFC 3339 date-time")
        }
        let capture = try? CaptureSubmitted.decode(value)
        self.init(
            reason: reason, source: source, failedAt: failedAt, attempts: Int(try number(HeaderName.attempts)),
            transactionId: capture?.transactionId, eventId: capture?.eventId,
            key: key, value: value, headers: kafkaHeaders.filter { !$0.name.hasPrefix("dlq_") }
        )
    }
}

extension DeadLetterRecord: ContractEvent {
    private enum CodingKeys: String, CodingKey {
        case reason, source, failedAt, attempts, transactionId, eventId, key, value, headers
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reason = try c.decode(Reason.self, forKey: .reason)
        source = try c.decode(Source.self, forKey: .source)
        failedAt = try c.decode(Timestamp.self, forKey: .failedAt)
        attempts = try c.decode(Int.self, forKey: .attempts)
        transactionId = try c.decodeIfPresent(String.self, forKey: .transactionId)
        eventId = try c.decodeIfPresent(String.self, forKey: .eventId)
        key = c.contains(.key) ? try Base64Field.decode(c, .key) : nil
        value = try Base64Field.decode(c, .value)
        headers = try c.decode([MessageHeader].self, forKey: .headers)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reason, forKey: .reason)
        try c.encode(source, forKey: .source)
        try c.encode(failedAt, forKey: .failedAt)
        try c.encode(attempts, forKey: .attempts)
        try c.encodeIfPresent(transactionId, forKey: .transactionId)
        try c.encodeIfPresent(eventId, forKey: .eventId)
        try c.encodeIfPresent(key.map { Data($0).base64EncodedString() }, forKey: .key)
        try c.encode(Data(value).base64EncodedString(), forKey: .value)
        try c.encode(headers, forKey: .headers)
    }
}
