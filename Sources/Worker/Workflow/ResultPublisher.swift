import Kafka
import Verification

/// Publishes verification results and dead-letter records, and returns only once the broker
/// confirmed delivery — the input offset may be committed after that, never before.
public struct ResultPublisher: Sendable {
    let producer: KafkaProducer
    let resultTopic: String
    let deadLetterTopic: String
    /// The CloudEvents `ce_source` of results.
    let source: String

    public init(producer: KafkaProducer, resultTopic: String, deadLetterTopic: String, source: String = "/vlens-worker") {
        self.producer = producer
        self.resultTopic = resultTopic
        self.deadLetterTopic = deadLetterTopic
        self.source = source
    }

    /// Publishes `result` as exactly `bytes` (the stored form, so a re-publish is byte-identical),
    /// keyed by its transaction id, with CloudEvents headers and the capture's trace context.
    func publish(_ result: VerificationResult, bytes: [UInt8], traceparent: String?, tracestate: String?) async throws {
        let headers = result.cloudEventHeaders(source: source, traceparent: traceparent, tracestate: tracestate).messageHeaders
        _ = try await producer.send(KafkaOutgoingRecord(
            topic: resultTopic,
            key: Array(result.transactionId.utf8),
            value: bytes,
            headers: headers.map { KafkaHeader(key: $0.name, value: $0.value) }
        ))
    }

    /// Publishes a dead-letter record: the original key, value and headers, plus `dlq_*` headers
    /// with the reason.
    func deadLetter(_ record: DeadLetterRecord) async throws {
        _ = try await producer.send(KafkaOutgoingRecord(
            topic: deadLetterTopic,
            key: record.key,
            value: record.value,
            headers: record.kafkaHeaders.map { KafkaHeader(key: $0.name, value: $0.value) }
        ))
    }
}
