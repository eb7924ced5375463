import Kafka

/// Where a capture's outputs (result, dead letter) go once it was handled.
///
/// ``immediate(_:)`` sends them in order and returns only once the broker confirmed each: the
/// engine may commit the capture's offset after that, never before. ``transactional(_:)`` holds
/// them in the ``TransactionalOutbox`` until the capture's offset commits, and publishes them in
/// that transaction. ``sink(_:)`` hands them to a function (tests: an in-memory topic).
public enum CaptureDelivery: Sendable {
    case immediate(KafkaProducer)
    case transactional(TransactionalOutbox)
    case sink(@Sendable ([KafkaOutgoingRecord]) async throws -> Void)

    /// Delivers the outputs of the capture at `record`. `crashPoint` (tests only) kills the worker
    /// before the first output or after it.
    package func deliver(_ outputs: [KafkaOutgoingRecord], for record: KafkaRecord, crashPoint: CrashPoint?) async throws {
        CrashPoint.afterStore.reach(crashPoint)
        switch self {
        case .immediate(let producer):
            for (index, output) in outputs.enumerated() {
                _ = try await producer.send(output)
                if index == 0 { CrashPoint.afterResult.reach(crashPoint) }
            }
        case .transactional(let outbox):
            outbox.set(outputs, for: record.topicPartition, offset: record.offset)
        case .sink(let sink):
            try await sink(outputs)
        }
    }

    /// Delivers outputs that belong to no uncommitted offset (a resumed parked capture's: its offset
    /// was committed when it was parked). In the exactly-once mode they get a transaction of their own.
    package func deliverAlone(_ outputs: [KafkaOutgoingRecord]) async throws {
        guard !outputs.isEmpty else { return }
        switch self {
        case .immediate(let producer):
            for output in outputs { _ = try await producer.send(output) }
        case .transactional(let outbox):
            try await outbox.publishAlone(outputs)
        case .sink(let sink):
            try await sink(outputs)
        }
    }
}
