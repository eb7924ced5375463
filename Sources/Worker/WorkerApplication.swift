import AsyncHTTPClient
import Foundation
import Kafka
import Logging
import Processing
import Prometheus
import ServiceLifecycle
import Store
import VlensAPI
import Observability
import Workflow
import WorkerSettings

/// The assembled worker: consumer, engine, capture handler, store, producer, and the
/// operations endpoints, run as one `ServiceGroup` that drains and commits on SIGTERM/SIGINT.
public struct WorkerApplication: Sendable {
    public let configuration: WorkerConfiguration
    public let logger: Logger
    /// The metrics registry `/metrics` serves.
    public let registry: PrometheusCollectorRegistry
    public let health = WorkerHealth()

    public init(configuration: WorkerConfiguration, logger: Logger, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.configuration = configuration
        self.logger = logger
        self.registry = registry
    }

    /// Runs until SIGTERM/SIGINT (graceful: stop fetching, drain, commit, leave the group) or
    /// until cancelled: ``makeServiceGroup(handleSignals:onHTTPRunning:)``, run.
    ///
    /// - Parameters:
    ///   - handleSignals: install the SIGTERM/SIGINT handlers (tests that embed the worker pass false
    ///     and cancel instead).
    ///   - onHTTPRunning: called with the operations server's bound port.
    public func run(handleSignals: Bool = true, onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let group = try await makeServiceGroup(handleSignals: handleSignals, onHTTPRunning: onHTTPRunning)
        try await group.run()
        logger.info("worker stopped")
    }

    /// Assembles every part of the worker (store, HTTP client, Kafka consumer and producer, engine,
    /// capture handler, parking, operations server, background services) into one `ServiceGroup`,
    /// connected but not yet running. `vlens-worker run` and the tests run what this returns.
    public func makeServiceGroup(handleSignals: Bool = true, onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> ServiceGroup {
        let configuration = self.configuration
        let metrics = WorkerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let storeURL = try StoreURL(configuration.storeURL)
        let plainStore = try await storeURL.makeStore(logger: logger)
        let store: any VerificationStore = configuration.storeEncryptionKeys.isEmpty
            ? plainStore
            : EncryptedVerificationStore(plainStore, cipher: try ResultCipher(keys: configuration.storeEncryptionKeys))
        logger.info("worker starting", metadata: [WorkerLoggingKeys.store: "\(storeURL.redacted)", WorkerLoggingKeys.group: "\(configuration.kafka.groupID)", WorkerLoggingKeys.instance: "\(configuration.instanceID)"])
        let readiness = StoreReadiness()
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: Self.httpClientConfiguration(vlens: configuration.vlens))
        do {
            let services = try await makeServices(store: store, httpClient: httpClient, metrics: metrics, onHTTPRunning: onHTTPRunning)
            // Graceful shutdown runs in reverse order: the store and the HTTP client stop last.
            let foundation: [any Service] = [
                StoreService(store: store, readiness: readiness, health: health, logger: logger),
                HTTPClientService(client: httpClient),
            ]
            var groupConfiguration = ServiceGroupConfiguration(
                services: foundation + services.immediate + services.usingStore.map { AfterStoreIsReady(readiness: readiness, service: $0) },
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger
            )
            groupConfiguration.maximumGracefulShutdownDuration = configuration.processing.drainTimeout + configuration.processing.shutdownMargin
            return ServiceGroup(configuration: groupConfiguration)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    /// The services, in start order: those that need no store, and those that start once it is migrated.
    private func makeServices(
        store: any VerificationStore, httpClient: HTTPClient, metrics: WorkerMetrics,
        onHTTPRunning: @escaping @Sendable (Int) async -> Void
    ) async throws -> (immediate: [any Service], usingStore: [any Service]) {
        let configuration = self.configuration
        let kafka = configuration.kafka

        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: kafka.bootstrapServers)
        producerConfiguration.clientID = "vlens-worker-\(configuration.instanceID)"
        producerConfiguration.messageMaxBytes = max(configuration.input.maxEventBytes + 1 << 20, 1_000_000)
        producerConfiguration.additionalProperties = kafka.properties
        if kafka.exactlyOnce {
            producerConfiguration.transactionalID = "\(kafka.groupID)-\(configuration.instanceID)"
        }
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)

        let admin = try KafkaAdmin(bootstrapServers: kafka.bootstrapServers, additionalProperties: kafka.properties, logger: logger)

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
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger) { statistics in
            for partition in statistics.partitions where partition.topicPartition.topic == kafka.captureTopic {
                if let lag = partition.consumerLag { metrics.recordConsumerLag(partition: partition.topicPartition, lag: lag) }
            }
        }
        try consumer.subscribe(topics: [kafka.captureTopic])

        var outbox: TransactionalOutbox?
        if kafka.exactlyOnce {
            try await producer.initTransactions()
            outbox = TransactionalOutbox(producer: producer, groupMetadata: { try consumer.groupMetadata() }, logger: logger)
        }
        let delivery: CaptureDelivery = outbox.map { .transactional($0) } ?? .immediate(producer)

        let exporter = configuration.tracing.otlpEndpoint.map {
            OTLPSpanExporter(endpoint: $0, serviceName: configuration.tracing.serviceName, httpClient: httpClient, logger: logger)
        }
        let (handler, parking, gateways) = makeCaptureHandler(
            store: store, httpClient: httpClient, metrics: metrics, delivery: delivery, tracer: WorkerTracer(exporter: exporter))
        let processing = configuration.processing.engineConfiguration
        let engine = ProcessingEngine(
            source: CaptureTopicSource(
                base: KafkaProcessingSource(consumer: consumer), delivery: delivery, parking: parking,
                resumeDrainTimeout: configuration.processing.drainTimeout, crashPoint: configuration.testCrashPoint),
            handler: handler,
            configuration: processing,
            metrics: metrics,
            logger: logger
        )

        let operations = OperationsServer.make(
            host: configuration.httpHost, port: configuration.httpPort,
            health: health, registry: registry, logger: logger, onRunning: onHTTPRunning
        )
        let rateShare = configuration.vlens.rateShare
        let watcher = AssignmentWatcher(
            consumer: consumer, admin: admin, captureTopic: kafka.captureTopic,
            gateways: rateShare == .partitions ? gateways : nil, health: health, metrics: metrics, logger: logger
        )

        let ownership = GroupOwnershipMonitor(
            store: store, admin: admin, assignment: { consumer.assignment }, groupID: kafka.groupID,
            captureTopic: kafka.captureTopic, instanceID: configuration.instanceID, bound: kafka.unownedPartitionAlert,
            health: health, metrics: metrics, logger: logger
        )

        // Graceful shutdown runs in reverse order: the engine drains and commits first, then
        // the watchers stop, the producer flushes, and the operations server goes last.
        var immediate: [any Service] = [operations]
        if let exporter { immediate.append(exporter) }
        immediate += [ProducerFlushService(producer: producer), watcher] as [any Service]
        var usingStore: [any Service] = [
            RetentionService(store: store, retention: configuration.retention, metrics: metrics, logger: logger), ownership,
        ]
        if rateShare == .demand {
            usingStore.append(RateShareCoordinator(store: store, gateways: gateways, parking: parking, instanceID: configuration.instanceID, logger: logger))
        }
        if let outbox { usingStore.append(outbox) }
        // The resumer stops before the engine drains: no parked capture starts while the group shuts down.
        usingStore += [engine, ParkingResumer(lot: parking, metrics: metrics, logger: logger, resume: handler.resume)] as [any Service]
        return (immediate, usingStore)
    }
}
