extension CaptureSubmitted {
    /// The capture's CloudEvents headers, as a producer sends them.
    public func cloudEventHeaders(source: String, traceparent: String? = nil, tracestate: String? = nil)
        -> CloudEventHeaders
    {
        CloudEventHeaders(
            id: eventId,
            type: CloudEventHeaders.captureType,
            source: source,
            subject: transactionId,
            time: submittedAt,
            traceparent: traceparent,
            tracestate: tracestate
        )
    }

    /// Checks a received capture's envelope: the Kafka key must equal `transactionId`, and the
    /// CloudEvents headers that are present must agree with the payload (`ce_id` = eventId,
    /// `ce_subject` = transactionId, `ce_type` = the capture type). Absent `ce_*` headers are tolerated.
    public func checkEnvelope(key: [UInt8]?, headers: [MessageHeader]) throws(ContractError) {
        guard let key, key.elementsEqual(transactionId.utf8) else {
            throw ContractError(
                code: .headerMismatch,
                field: "key",
                message: "key: must equal the payload's transactionId"
            )
        }
        let expected = [
            ("ce_id", eventId, "the payload's eventId"),
            ("ce_subject", transactionId, "the payload's transactionId"),
            ("ce_type", CloudEventHeaders.captureType, CloudEventHeaders.captureType),
        ]
        for (name, value, what) in expected {
            if let header = headers.last(where: { $0.name == name }), !header.value.elementsEqual(value.utf8) {
                throw ContractError(code: .headerMismatch, field: name, message: "header \(name): must equal \(what)")
            }
        }
    }
}

extension VerificationResult {
    /// The result's CloudEvents headers; pass the capture's trace context to carry it through.
    public func cloudEventHeaders(
        source: String = "/vlens-worker",
        traceparent: String? = nil,
        tracestate: String? = nil
    ) -> CloudEventHeaders {
        CloudEventHeaders(
            id: eventId,
            type: CloudEventHeaders.resultType,
            source: source,
            subject: transactionId,
            time: timings.completedAt,
            traceparent: traceparent,
            tracestate: tracestate
        )
    }
}

extension TransactionStatus {
    /// The status record's CloudEvents headers: `ce_id` is the result's eventId + `/status`.
    public func cloudEventHeaders(source: String = "/vlens-worker") -> CloudEventHeaders {
        CloudEventHeaders(
            id: lastResultId + "/status",
            type: CloudEventHeaders.statusType,
            source: source,
            subject: transactionId,
            time: updatedAt
        )
    }
}
