import Foundation
import Kafka
import Observability
import Tracing
import Verification

/// Turns a Kafka record into a capture, or into the reason it is poison.
///
/// Poison input never throws: it is classified so the handler can dead-letter it (keeping the
/// original bytes and headers) and, when the event names its transaction, publish an `invalid`
/// result. Reasons name fields, never their values.
package struct CaptureIntake: Sendable {
    /// A record that is not a usable capture.
    package struct Poison: Error, Sendable {
        package var error: ContractError
        /// The dead-letter reason code (see `schemas/dead-letter-record.v1.schema.json`).
        package var reason: String
        /// The transaction the event belongs to, when it can be read and runs in that transaction's
        /// lane: the payload's `transactionId` when the record's key equals it, else the key when
        /// the payload names none. Always a valid identifier (1 to 128 printable ASCII characters).
        package var transactionId: String?
        /// The event's id, when it can be read and is a valid identifier.
        package var eventId: String?
        package var step: CaptureStep?
        /// The well-formed W3C trace headers the record came with: its `invalid` result continues the trace.
        package var traceHeaders = TraceHeaders()
        /// The tenant the record names, when it can be read and is a valid tenant name: its `invalid`
        /// result says whose it is (absent there means the default tenant).
        package var tenant: String?
    }

    /// A usable capture and the trace context it came with.
    package struct Accepted: Sendable {
        package var capture: CaptureSubmitted
        /// The trace headers the capture came with; the handler replaces them with its span's, which its result carries.
        package var traceHeaders: TraceHeaders
        /// The trace context of the span processing this capture.
        package var trace = InstrumentationContext.topLevel
        /// The span processing this capture, for its events.
        package var span: PrivateSpan?
    }

    package var maxEventBytes: Int

    package init(maxEventBytes: Int) {
        self.maxEventBytes = maxEventBytes
    }

    package func accept(_ record: KafkaRecord) -> Result<Accepted, Poison> {
        let headers = record.headers.map { MessageHeader(name: $0.key, value: $0.value ?? []) }
        let trace = TraceHeaders.received(traceparent: headers.text("traceparent"), tracestate: headers.text("tracestate"))
        if record.value.count > maxEventBytes {
            let error = ContractError(code: .invalidValue, field: nil, message: "event of \(record.value.count) bytes exceeds the \(maxEventBytes)-byte limit (MAX_EVENT_BYTES)")
            return .failure(Poison(error: error, reason: "oversized", transactionId: Self.identifier(record.key), eventId: nil, step: nil, traceHeaders: trace))
        }
        do {
            let capture = try CaptureSubmitted.decodeSharingImages(record.value)
            try capture.checkEnvelope(key: record.key, headers: headers)
            return .success(Accepted(capture: capture, traceHeaders: trace))
        } catch {
            let identity = Self.readIdentity(record.value)
            let contractError = error
            return .failure(Poison(
                error: contractError,
                reason: contractError.deadLetterReason,
                transactionId: Self.transaction(named: identity.transactionId, key: record.key),
                eventId: identity.eventId.flatMap { Self.identifier(Array($0.utf8)) },
                step: identity.step.flatMap(CaptureStep.init(rawValue:)),
                traceHeaders: trace,
                tenant: identity.tenant.flatMap { FieldRules.isTenant($0.utf8) ? $0 : nil }
            ))
        }
    }

    /// The transaction a poison record may speak for: only one whose lane it runs in (its key), so
    /// its `invalid` result never races that transaction's own records. A payload naming another
    /// transaction than the key (a producer's bug) or an id that is not a valid identifier (NUL,
    /// spaces, over 128 bytes: a store could refuse it and stall the partition) names none.
    private static func transaction(named payloadID: String?, key: [UInt8]?) -> String? {
        guard let payloadID else { return identifier(key) }
        guard let key, key.elementsEqual(payloadID.utf8) else { return nil }
        return identifier(key)
    }

    /// `bytes` as text when they are a valid identifier, else `nil`.
    private static func identifier(_ bytes: [UInt8]?) -> String? {
        guard let bytes, FieldRules.isIdentifier(bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads `eventId`, `transactionId`, `step` and `tenant` from a payload that failed validation,
    /// when it is at least a JSON object with string values there.
    private static func readIdentity(_ value: [UInt8]) -> (eventId: String?, transactionId: String?, step: String?, tenant: String?) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(value), options: [.fragmentsAllowed]) as? [String: Any] else {
            return (nil, nil, nil, nil)
        }
        func text(_ name: String) -> String? {
            guard let string = object[name] as? String, !string.isEmpty else { return nil }
            return string
        }
        return (text("eventId"), text("transactionId"), text("step"), text("tenant"))
    }
}
