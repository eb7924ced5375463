import AsyncHTTPClient
import Logging
import Processing
import Store
import VlensAPI
import Observability
import Workflow
import WorkerSettings

extension WorkerApplication {
    /// The capture handler with everything it calls: tenant gateways (clients, pacers, breakers),
    /// image resolver, step runner and the parking lot. Outputs of resumed captures go to `delivery`.
    func makeCaptureHandler(
        store: any VerificationStore, httpClient: HTTPClient, metrics: WorkerMetrics, delivery: CaptureDelivery, tracer: WorkerTracer,
        deadLetterValueLimit: DeadLetterValueLimit
    ) -> (handler: CaptureHandler, parking: ParkingLot, gateways: TenantGateways) {
        let gateways = makeGateways(httpClient: httpClient, metrics: metrics)
        let parking = ParkingLot(store: store, policy: configuration.parking, topic: configuration.kafka.captureTopic, metrics: metrics, logger: logger)
        let handler = CaptureHandler(
            intake: CaptureIntake(maxEventBytes: configuration.input.maxEventBytes),
            store: store,
            outputRecords: OutputRecords(
                resultTopic: configuration.kafka.resultTopic, statusTopic: configuration.kafka.statusTopic,
                resultV1Topic: configuration.kafka.resultV1Topic,
                deadLetterTopic: configuration.kafka.deadLetterTopic,
                deadLetterValueLimit: deadLetterValueLimit),
            delivery: delivery,
            images: ImageResolver(policy: configuration.input.claimCheck, httpClient: httpClient),
            faceCheck: FacePreCheck(),
            runner: VlensStepRunner(retry: configuration.vlens.retry, metrics: metrics),
            gateways: gateways,
            parking: parking,
            includeExtractedData: configuration.input.includeExtractedData,
            flow: configuration.flow,
            calls: VlensCallClaims(
                owner: configuration.instanceID,
                lease: VlensCallClaims.lease(requestTimeout: configuration.vlens.requestTimeout, parkAfter: configuration.parking.parkAfter)),
            metrics: metrics,
            tracer: tracer,
            logger: logger
        )
        return (handler, parking, gateways)
    }

    private func makeGateways(httpClient: HTTPClient, metrics: WorkerMetrics) -> TenantGateways {
        let vlens = configuration.vlens
        func gateway(_ tenant: WorkerConfiguration.Tenant) -> TenantGateway {
            let client = VlensClient(
                configuration: VlensConfiguration(
                    baseURL: tenant.baseURL.absoluteString,
                    apiKey: tenant.apiKey,
                    requestDeadline: vlens.requestTimeout,
                    connectionPool: .init(maxConnectionsPerHost: vlens.maxConnections)
                ),
                httpClient: httpClient,
                logger: logger
            )
            // A quarter of the in-flight window may wait for one tenant's pace; the rest of its backlog parks.
            return TenantGateway(
                name: tenant.name, client: client, limit: tenant.rateLimit, breaker: vlens.breaker,
                maxRateWaiters: configuration.processing.maxInFlight / 4, userTokenFallback: tenant.userTokenFallback,
                transitAllowance: vlens.rateTransitAllowance, metrics: metrics, health: health, logger: logger)
        }
        return TenantGateways(defaultGateway: gateway(vlens.defaultTenant), named: vlens.tenants.mapValues(gateway))
    }
}

extension WorkerConfiguration.Processing {
    /// The engine's configuration for these settings.
    var engineConfiguration: ProcessingConfiguration {
        var processing = ProcessingConfiguration()
        processing.ordering = orderingByPartition ? .partition : .key
        processing.maxInFlightRecords = maxInFlight
        processing.maxInFlightBytes = maxInFlightBytes
        processing.commitInterval = commitInterval
        processing.revocationDrainTimeout = drainTimeout
        processing.shutdownDrainTimeout = drainTimeout
        processing.maxUncommittedRecordsPerPartition = maxUncommittedPerPartition
        processing.maxUncommittedBytesPerPartition = maxUncommittedBytesPerPartition
        return processing
    }
}
