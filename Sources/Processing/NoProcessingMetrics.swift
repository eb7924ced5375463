import Kafka

/// Metrics that go nowhere: the default.
public struct NoProcessingMetrics: ProcessingMetrics {
    public init() {}
    public func recordSnapshot(_ snapshot: ProcessingSnapshot) {}
    public func recordHandlerLatency(_ latency: Duration, partition: KafkaTopicPartition, succeeded: Bool) {}
}
