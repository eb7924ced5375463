import Kafka
import Logging
import Observability
import Workflow
import WorkerSettings

/// The worker's Kafka clients, configured and connected: the producer (transactional in the
/// exactly-once mode, with its outbox), the admin client, and the consumer subscribed to the
/// capture topic with its prefetch sized by the engine's byte limit.
struct KafkaParts {
    let producer: KafkaProducer
    let admin: KafkaAdmin
    let consumer: KafkaConsumer
    let outbox: TransactionalOutbox?
    /// The producer's `message.max.bytes`: no dead letter may be larger.
    let producerMaxMessageBytes: Int

    init(configuration: WorkerConfiguration, metrics: WorkerMetrics, logger: Logger) async throws {
        let kafka = configuration.kafka
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: kafka.bootstrapServers)
        producerConfiguration.clientID = "vlens-worker-\(configuration.instanceID)"
        producerConfiguration.messageMaxBytes = max(configuration.input.maxEventBytes + 1 << 20, 1_000_000)
        producerConfiguration.additionalProperties = kafka.properties
        if kafka.exactlyOnce {
            producerConfiguration.transactionalID = "\(kafka.groupID)-\(configuration.instanceID)"
        }
        producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        admin = try KafkaAdmin(bootstrapServers: kafka.bootstrapServers, additionalProperties: kafka.properties, logger: logger)
        producerMaxMessageBytes = producerConfiguration.messageMaxBytes

        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: kafka.bootstrapServers, groupID: kafka.groupID)
        consumerConfiguration.clientID = "vlens-worker-\(configuration.instanceID)"
        consumerConfiguration.sessionTimeout = kafka.sessionTimeout
        consumerConfiguration.heartbeatInterval = min(.seconds(3), kafka.sessionTimeout / 6)
        consumerConfiguration.revokeDeadline = configuration.processing.drainTimeout + .seconds(5)
        // Prefetch sized by the engine's byte limit (README, MAX_IN_FLIGHT_BYTES); the topic's partition
        // count shares a fetch among partitions (unknown yet: one).
        let capturePartitions = (try? await admin.describeTopic(kafka.captureTopic, timeout: .seconds(5)))?.partitionCount ?? 1
        ConsumerPrefetch(
            maxInFlightBytes: configuration.processing.maxInFlightBytes, maxEventBytes: configuration.input.maxEventBytes,
            partitions: capturePartitions
        ).apply(to: &consumerConfiguration)
        consumerConfiguration.statisticsInterval = .seconds(15)
        consumerConfiguration.additionalProperties = kafka.properties
        consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger) { statistics in
            for partition in statistics.partitions where partition.topicPartition.topic == kafka.captureTopic {
                if let lag = partition.consumerLag { metrics.recordConsumerLag(partition: partition.topicPartition, lag: lag) }
            }
        }
        try consumer.subscribe(topics: [kafka.captureTopic])

        if kafka.exactlyOnce {
            try await producer.initTransactions()
            let consumer = self.consumer
            outbox = TransactionalOutbox(producer: producer, groupMetadata: { try consumer.groupMetadata() }, logger: logger)
        } else {
            outbox = nil
        }
    }
}
