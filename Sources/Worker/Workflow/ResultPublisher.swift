import Kafka
import Verification

/// Publishes verification results and dead-letter records for one input record.
///
/// By default each output is sent at once and ``publish(_:bytes:for:traceparent:tracestate:)``
/// returns only once the broker confirmed delivery — the input offset may be committed after that,
/// never before. In the exactly-once mode the outputs go to the ``TransactionalOutbox`` instead,
/// and are published in the transaction that commits the input's offset.
public struct ResultPublisher: Sendable {
    /// Where outputs go.
    public enum Delivery: Sendable {
        /// Sent at once; each call waits for the delivery report.
        case immediate(KafkaProducer)
        /// Held until the input's offset commits, then published in that transaction.
        case transactional(TransactionalOutbox)
    }

    let delivery: Delivery
    let resultTopic: String
    let deadLetterTopic: String
    /// The CloudEvents `ce_source` of results.
    let source: String
    /// Dead letters with a larger original value carry no value (see ``deadLetter(_:for:)``).
    let maxDeadLetterValueBytes: Int
    /// Whether outputs belong to no input offset (a resumed parked capture, whose offset was
    /// committed when it was parked): in the exactly-once mode they get a transaction of their own.
    private(set) var isDetached = false

    public init(delivery: Delivery, resultTopic: String, deadLetterTopic: String, maxDeadLetterValueBytes: Int = 1_000_000, source: String = "/vlens-worker") {
        self.delivery = delivery
        self.resultTopic = resultTopic
        self.deadLetterTopic = deadLetterTopic
        self.maxDeadLetterValueBytes = maxDeadLetterValueBytes
        self.source = source
    }

    /// Forgets outputs of an earlier, failed attempt at `input` (exactly-once mode), so a retried
    /// handler does not publish them twice.
    func begin(_ input: KafkaRecord) {
        if !isDetached, case .transactional(let outbox) = delivery {
            outbox.reset(input.topicPartition, offset: input.offset)
        }
    }

    /// Publishes `result` as exactly `bytes` (the stored form, so a re-publish is byte-identical),
    /// keyed by its transaction id, with CloudEvents headers and the capture's trace context.
    func publish(_ result: VerificationResult, bytes: [UInt8], for input: KafkaRecord, traceparent: String?, tracestate: String?) async throws {
        let headers = result.cloudEventHeaders(source: source, traceparent: traceparent, tracestate: tracestate).messageHeaders
        try await send(KafkaOutgoingRecord(
            topic: resultTopic,
            key: Array(result.transactionId.utf8),
            value: bytes,
            headers: headers.map { KafkaHeader(key: $0.name, value: $0.value) }
        ), for: input)
    }

    /// Publishes a dead-letter record: the original key, value and headers, plus `dlq_*` headers
    /// with the reason. A value larger than `maxDeadLetterValueBytes` (which the dead-letter
    /// topic would refuse) is left out and its size given in `dlq_value_omitted_bytes`; the
    /// original stays at its source offset.
    func deadLetter(_ record: DeadLetterRecord, for input: KafkaRecord) async throws {
        var headers = record.kafkaHeaders.map { KafkaHeader(key: $0.name, value: $0.value) }
        let omitted = record.value.count > maxDeadLetterValueBytes
        if omitted {
            headers.append(KafkaHeader(key: DeadLetterRecord.HeaderName.valueOmittedBytes, value: Array(String(record.value.count).utf8)))
        }
        try await send(KafkaOutgoingRecord(topic: deadLetterTopic, key: record.key, value: omitted ? [] : record.value, headers: headers), for: input)
    }

    /// This publisher for outputs that belong to no input offset.
    func detached() -> ResultPublisher {
        var publisher = self
        publisher.isDetached = true
        return publisher
    }

    private func send(_ output: KafkaOutgoingRecord, for input: KafkaRecord) async throws {
        switch delivery {
        case .immediate(let producer):
            _ = try await producer.send(output)
        case .transactional(let outbox) where isDetached:
            try await outbox.publishAlone([output])
        case .transactional(let outbox):
            outbox.add(output, for: input.topicPartition, offset: input.offset)
        }
    }
}
