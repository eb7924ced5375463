import Kafka

/// Where the engine reports its measurements; the Worker implements it with swift-metrics.
///
/// Calls come from many tasks at once and must return quickly.
public protocol ProcessingMetrics: Sendable {
    /// The engine's load: in-flight records and bytes, records queued and commit lag per partition.
    /// Reported once per commit interval.
    func recordSnapshot(_ snapshot: ProcessingSnapshot)

    /// One handler call finished: how long it took and whether it returned (true) or threw (false).
    func recordHandlerLatency(_ latency: Duration, partition: KafkaTopicPartition, succeeded: Bool)
}
