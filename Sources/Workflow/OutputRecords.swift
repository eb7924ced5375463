import Kafka
import Observability
import Verification

/// Builds a capture's output records: verification results, the transaction's status record that
/// goes with each result, and dead letters.
public struct OutputRecords: Sendable {
    package let resultTopic: String
    /// The compacted status topic; `nil` publishes no status records.
    package let statusTopic: String?
    /// Where the deprecated v1 form of each result goes, if anywhere (``ResultV1Projection``).
    package let resultV1Topic: String?
    package let deadLetterTopic: String
    /// The CloudEvents `ce_source` of results.
    package let source: String
    /// Dead letters with a larger original value carry no value (see ``deadLetter(_:)``).
    package let deadLetterValueLimit: DeadLetterValueLimit

    public init(
        resultTopic: String, statusTopic: String?, resultV1Topic: String? = nil, deadLetterTopic: String, deadLetterValueLimit: DeadLetterValueLimit = DeadLetterValueLimit(bytes: 1_000_000),
        source: String = "/vlens-worker"
    ) {
        self.resultTopic = resultTopic
        self.statusTopic = statusTopic
        self.resultV1Topic = resultV1Topic
        self.deadLetterTopic = deadLetterTopic
        self.deadLetterValueLimit = deadLetterValueLimit
        self.source = source
    }

    /// `result` as exactly `bytes` (the stored form, so a re-publish is byte-identical), keyed by its
    /// transaction id, with CloudEvents headers and the capture's trace context.
    package func result(_ result: VerificationResult, bytes: [UInt8], trace: TraceHeaders) -> KafkaOutgoingRecord {
        let headers = result.cloudEventHeaders(source: source, traceparent: trace.traceparent, tracestate: trace.tracestate).messageHeaders
        return KafkaOutgoingRecord(
            topic: resultTopic,
            key: Array(result.transactionId.utf8),
            value: bytes,
            headers: headers.map { KafkaHeader(key: $0.name, value: $0.value) }
        )
    }

    /// The deprecated v1 form of the result stored as `bytes`, when `RESULT_V1_TOPIC` is set.
    package func resultV1(_ result: VerificationResult, bytes: [UInt8], trace: TraceHeaders) throws -> KafkaOutgoingRecord? {
        guard let resultV1Topic else { return nil }
        var headers = result.cloudEventHeaders(source: source, traceparent: trace.traceparent, tracestate: trace.tracestate)
        headers.type = ResultV1Projection.type
        return KafkaOutgoingRecord(
            topic: resultV1Topic,
            key: Array(result.transactionId.utf8),
            value: try ResultV1Projection.bytes(ofV2: bytes),
            headers: headers.messageHeaders.map { KafkaHeader(key: $0.name, value: $0.value) }
        )
    }

    /// The transaction's status as of `result`, keyed by its transaction id. Derived from the stored
    /// result alone, so a re-published result re-publishes the same bytes.
    package func status(of result: VerificationResult) throws -> KafkaOutgoingRecord? {
        guard let statusTopic else { return nil }
        let status = TransactionStatus(result: result)
        let headers = status.cloudEventHeaders(source: source)
        return KafkaOutgoingRecord(
            topic: statusTopic,
            key: Array(result.transactionId.utf8),
            value: try status.encodedJSON(),
            headers: headers.messageHeaders.map { KafkaHeader(key: $0.name, value: $0.value) }
        )
    }

    /// A dead-letter record: the original key, value and headers, plus `dlq_*` headers with the
    /// reason. A value larger than `deadLetterValueLimit` (which the dead-letter topic would
    /// refuse) is left out and its size given in `dlq_value_omitted_bytes`; the original stays at
    /// its source offset.
    package func deadLetter(_ record: DeadLetterRecord) -> KafkaOutgoingRecord {
        var headers = record.kafkaHeaders.map { KafkaHeader(key: $0.name, value: $0.value) }
        let omitted = record.value.count > deadLetterValueLimit.bytes
        if omitted {
            headers.append(KafkaHeader(key: DeadLetterRecord.HeaderName.valueOmittedBytes, value: Array(String(record.value.count).utf8)))
        }
        return KafkaOutgoingRecord(topic: deadLetterTopic, key: record.key, value: omitted ? [] : record.value, headers: headers)
    }
}

/// The outputs one handling of a capture produced, in order.
package final class PendingOutputs {
    private let builder: OutputRecords
    private(set) var records: [KafkaOutgoingRecord] = []

    package init(records builder: OutputRecords) {
        self.builder = builder
    }

    /// The result as its stored `bytes`, then the transaction's status record (and the result's v1
    /// form where configured).
    package func result(_ result: VerificationResult, bytes: [UInt8], trace: TraceHeaders) throws {
        records.append(builder.result(result, bytes: bytes, trace: trace))
        if let status = try builder.status(of: result) { records.append(status) }
        if let v1 = try builder.resultV1(result, bytes: bytes, trace: trace) { records.append(v1) }
    }

    package func deadLetter(_ record: DeadLetterRecord) {
        records.append(builder.deadLetter(record))
    }
}
