import AsyncHTTPClient
import Kafka
import Logging
import Processing
import Prometheus
import ServiceLifecycle
import Store
import Observability
import Workflow
import WorkerSettings

/// What every worker has, whatever its capture source: the store (a service that migrates first and
/// stops last), the shared HTTP client, metrics and tracing, and the capture handler with its parking
/// lot, resumer and rate-share coordinator.
struct WorkerCore {
    let application: WorkerApplication
    let store: any VerificationStore
    let httpClient: HTTPClient
    let metrics: WorkerMetrics
    let tracer: WorkerTracer
    /// swift-otel's batching and export; it flushes the last spans when the group stops.
    let tracing: any Service
    let readiness = StoreReadiness()

    /// The handler and what it shares with the services around it.
    struct CaptureHandling {
        let handler: CaptureHandler
        let parking: ParkingLot
        let gateways: TenantGateways
    }

    init(application: WorkerApplication) async throws {
        let configuration = application.configuration
        self.application = application
        metrics = WorkerMetrics(factory: PrometheusMetricsFactory(registry: application.registry))
        let storeURL = try StoreURL(configuration.storeURL)
        let plainStore = try await storeURL.makeStore(logger: application.logger)
        store = configuration.storeEncryptionKeys.isEmpty
            ? plainStore
            : EncryptedVerificationStore(plainStore, cipher: try ResultCipher(keys: configuration.storeEncryptionKeys))
        application.logger.info("worker starting", metadata: [
            WorkerLoggingKeys.store: "\(storeURL.redacted)", WorkerLoggingKeys.group: "\(configuration.kafka.groupID)",
            WorkerLoggingKeys.instance: "\(configuration.instanceID)",
        ])
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: WorkerApplication.httpClientConfiguration(vlens: configuration.vlens))
        (tracer, tracing) = try TracingBackend.make(
            enabled: configuration.tracing.enabled, tracesURL: configuration.tracing.tracesURL, serviceName: configuration.tracing.serviceName,
            sampling: configuration.tracing.sampling, scheduleDelay: configuration.tracing.scheduleDelay, logger: application.logger)
    }

    /// - Parameter deadLetterValueLimit: the largest value a dead letter carries (a probe of the
    ///   dead-letter topic may raise it later); starts at `DEAD_LETTER_MAX_VALUE_BYTES`, else
    ///   ``DeadLetterLimit/fallbackValueBytes``.
    func makeCaptureHandling(delivery: CaptureDelivery, deadLetterValueLimit: DeadLetterValueLimit? = nil) -> CaptureHandling {
        let limit = deadLetterValueLimit ?? DeadLetterValueLimit(bytes: application.configuration.input.maxDeadLetterValueBytes ?? DeadLetterLimit.fallbackValueBytes)
        let (handler, parking, gateways) = application.makeCaptureHandler(
            store: store, httpClient: httpClient, metrics: metrics, delivery: delivery, tracer: tracer, deadLetterValueLimit: limit)
        return CaptureHandling(handler: handler, parking: parking, gateways: gateways)
    }

    func engine<Source: ProcessingSource, Handler: ProcessingHandler>(source: Source, handler: Handler) -> any Service
    where Handler.Record == Source.Record, Handler.Output == Source.Output {
        ProcessingEngine(
            source: source, handler: handler, configuration: application.configuration.processing.engineConfiguration,
            metrics: metrics, logger: application.logger)
    }

    /// The group: the store and the HTTP client first (they stop last), then `immediate`, the
    /// exporter, and the services that wait for the store: retention, rate shares, `usingStore`, the
    /// engine and the parking resumer (which stops before the engine drains).
    func serviceGroup(
        immediate: [any Service], usingStore: [any Service], engine: any Service, parts: CaptureHandling, handleSignals: Bool
    ) -> ServiceGroup {
        let configuration = application.configuration
        let logger = application.logger
        var waiting: [any Service] = [RetentionService(store: store, retention: configuration.retention, metrics: metrics, logger: logger)]
        if configuration.vlens.rateShare == .demand {
            waiting.append(RateShareCoordinator(
                store: store, gateways: parts.gateways, parking: parts.parking, instanceID: configuration.instanceID, logger: logger))
        }
        waiting += usingStore
        waiting += [engine, ParkingResumer(lot: parts.parking, metrics: metrics, logger: logger, resume: parts.handler.resume)]
        let services: [any Service] = [
            StoreService(store: store, readiness: readiness, health: application.health, metrics: metrics, logger: logger),
            HTTPClientService(client: httpClient),
        ] + immediate + [tracing] + waiting.map { AfterStoreIsReady(readiness: readiness, service: $0) }
        var groupConfiguration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.processing.drainTimeout + configuration.processing.shutdownMargin
        return ServiceGroup(configuration: groupConfiguration)
    }
}
