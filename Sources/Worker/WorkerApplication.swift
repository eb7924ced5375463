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
    /// The signals are trapped before start-up: one that arrives while the worker starts stops it
    /// once started. A second signal stops it at once, without the drain, and this throws
    /// ``StoppedWithoutDrain``.
    ///
    /// - Parameters:
    ///   - handleSignals: trap SIGTERM/SIGINT (tests that embed the worker pass false and cancel instead).
    ///   - onHTTPRunning: called with the operations server's bound port.
    public func run(handleSignals: Bool = true, onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        guard handleSignals else {
            try await makeServiceGroup(handleSignals: false, onHTTPRunning: onHTTPRunning).run()
            logger.info("worker stopped")
            return
        }
        try await StopSignals.watching(logger: logger) { signals in
            let group = try await makeServiceGroup(handleSignals: false, onHTTPRunning: onHTTPRunning)
            do {
                try await signals.run(group)
            } catch where signals.forced && (error is CancellationError || error is ServiceGroupError) {
                throw StoppedWithoutDrain()
            }
            if signals.forced { throw StoppedWithoutDrain() }
        }
        logger.info("worker stopped")
    }

    /// A second stop signal ended the worker without its drain: what was running is handled again
    /// by the partitions' next owner.
    public struct StoppedWithoutDrain: Error, CustomStringConvertible {
        public var description: String { "stopped by a second signal, without draining" }
    }

    /// Assembles every part of the worker (store, HTTP client, Kafka consumer and producer, engine,
    /// capture handler, parking, operations server, background services) into one `ServiceGroup`,
    /// connected but not yet running. `vlens-worker run` and the broker tests run what this returns;
    /// ``makeServiceGroup(captures:delivery:)`` builds the same worker over another capture source.
    public func makeServiceGroup(handleSignals: Bool = true, onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> ServiceGroup {
        let core = try await WorkerCore(application: self)
        do {
            let kafka = try await KafkaParts(configuration: configuration, metrics: core.metrics, logger: logger)
            let delivery: CaptureDelivery = kafka.outbox.map { .transactional($0) } ?? .immediate(kafka.producer)
            let deadLetterLimit = DeadLetterValueLimit(bytes: configuration.input.maxDeadLetterValueBytes ?? DeadLetterLimit.fallbackValueBytes)
            let parts = core.makeCaptureHandling(delivery: delivery, deadLetterValueLimit: deadLetterLimit)
            let deadLetterProbe = DeadLetterLimitProbe(
                admin: kafka.admin, topic: configuration.kafka.deadLetterTopic, configured: configuration.input.maxDeadLetterValueBytes,
                producerMaxMessageBytes: kafka.producerMaxMessageBytes, limit: deadLetterLimit, metrics: core.metrics, logger: logger)
            let source = CaptureTopicSource(
                base: KafkaProcessingSource(consumer: kafka.consumer), delivery: delivery, parking: parts.parking,
                resumeDrainTimeout: configuration.processing.drainTimeout, crashPoint: configuration.testCrashPoint)
            let operations = OperationsServer.make(
                host: configuration.httpHost, port: configuration.httpPort,
                health: health, registry: registry, logger: logger, onRunning: onHTTPRunning
            )
            let watcher = AssignmentWatcher(
                consumer: kafka.consumer, admin: kafka.admin, captureTopic: configuration.kafka.captureTopic,
                gateways: configuration.vlens.rateShare == .partitions ? parts.gateways : nil, health: health, metrics: core.metrics, logger: logger
            )
            let ownership = GroupOwnershipMonitor(
                store: core.store, admin: kafka.admin, assignment: { kafka.consumer.assignment }, groupID: configuration.kafka.groupID,
                captureTopic: configuration.kafka.captureTopic, instanceID: configuration.instanceID, bound: configuration.kafka.unownedPartitionAlert,
                health: health, metrics: core.metrics, logger: logger
            )
            // Graceful shutdown runs in reverse order: the engine drains and commits first, then the
            // outbox, the watchers stop, the producer flushes, the operations server, the store go last.
            return core.serviceGroup(
                immediate: [operations, ProducerFlushService(producer: kafka.producer, watchesFatalErrors: kafka.outbox == nil, logger: logger), watcher, deadLetterProbe],
                usingStore: [ownership] + (kafka.outbox.map { [$0] } ?? []),
                engine: core.engine(source: source, handler: parts.handler), parts: parts, handleSignals: handleSignals)
        } catch {
            try? await core.httpClient.shutdown()
            throw error
        }
    }

    /// The same worker over another source of captures (an in-memory log in the behaviour tests):
    /// store, HTTP client, capture handler, parking, resumer, engine and background services, with the
    /// outputs going to `delivery` and no Kafka client. `source` gets the parking lot, which must observe
    /// the source's assignments and revocations (as ``CaptureTopicSource`` does for Kafka).
    public func makeServiceGroup<Source: ProcessingSource>(
        captures source: (ParkingLot) -> Source, delivery: CaptureDelivery
    ) async throws -> ServiceGroup where Source.Record: CaptureRecord, Source.Output == KafkaOutgoingRecord {
        let core = try await WorkerCore(application: self)
        let parts = core.makeCaptureHandling(delivery: delivery)
        return core.serviceGroup(
            immediate: [], usingStore: [],
            engine: core.engine(source: source(parts.parking), handler: CaptureRecordHandler<Source.Record>(handler: parts.handler)),
            parts: parts, handleSignals: false)
    }
}
