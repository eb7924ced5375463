import Kafka

/// How much of the capture topic the consumer may hold ahead of the engine, derived from the
/// engine's byte limit so that prefetch plus in-flight stay within a stated budget.
///
/// The rule: prefetch `P = max(MAX_IN_FLIGHT_BYTES / 4, MAX_EVENT_BYTES)`. librdkafka's queue gets a
/// quarter (`queued.max.messages.kbytes = P / 4`), one fetch response a quarter (`fetch.max.bytes =
/// P / 4`, at least librdkafka's `message.max.bytes` of 1,000,000; the queue may be overshot by one
/// fetch), and the wrapper's event buffer the other half (pauses at `P / 2`, resumes at `P / 8`).
/// `max.partition.fetch.bytes` shares a fetch among the topic's partitions but lets one event of
/// `MAX_EVENT_BYTES` through (`max(fetch / partitions, min(MAX_EVENT_BYTES, fetch))`), and
/// `receive.message.max.bytes` stays above a fetch and above twice the largest event. Records held
/// by the worker are thus at most `MAX_IN_FLIGHT_BYTES + P` (plus one batch of records), 1.25 ×
/// `MAX_IN_FLIGHT_BYTES` at the defaults. Each value is clamped to librdkafka's range; an explicit
/// `KAFKA_PROPERTY_*` still wins.
package struct ConsumerPrefetch: Equatable {
    /// `P`: bytes the consumer may hold ahead of the engine.
    package var budget: Int
    package var queuedMaxMessagesKBytes: Int
    package var fetchMaxBytes: Int
    package var maxPartitionFetchBytes: Int
    package var receiveMessageMaxBytes: Int
    package var bufferHighWatermarkBytes: Int
    package var bufferLowWatermarkBytes: Int

    /// librdkafka's consumer `message.max.bytes` default, below which it refuses `fetch.max.bytes`.
    package static let librdkafkaMessageMaxBytes = 1_000_000

    package init(maxInFlightBytes: Int, maxEventBytes: Int, partitions: Int) {
        budget = max(maxInFlightBytes / 4, maxEventBytes)
        let quarter = budget / 4
        // Each value within librdkafka's range for it (CONFIGURATION.md).
        queuedMaxMessagesKBytes = min(max(1, (quarter + 1023) / 1024), 2_097_151)
        fetchMaxBytes = min(max(quarter, Self.librdkafkaMessageMaxBytes), Int(Int32.max) - 512)
        maxPartitionFetchBytes = min(max(fetchMaxBytes / max(1, partitions), min(maxEventBytes, fetchMaxBytes)), 1_000_000_000)
        receiveMessageMaxBytes = min(max(maxEventBytes * 2, 100_000_000, fetchMaxBytes + 512), Int(Int32.max))
        bufferHighWatermarkBytes = budget / 2
        bufferLowWatermarkBytes = budget / 8
    }

    /// Sets these values on `configuration` (its `additionalProperties`, applied last, still win).
    package func apply(to configuration: inout KafkaConsumerConfiguration) {
        configuration.queuedMaxMessagesKBytes = queuedMaxMessagesKBytes
        configuration.fetchMaxBytes = fetchMaxBytes
        configuration.maxPartitionFetchBytes = maxPartitionFetchBytes
        configuration.receiveMessageMaxBytes = receiveMessageMaxBytes
        configuration.eventBuffer.highWatermarkBytes = bufferHighWatermarkBytes
        configuration.eventBuffer.lowWatermarkBytes = bufferLowWatermarkBytes
    }
}
