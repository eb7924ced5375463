import VlensAPI
import Foundation
import Observability
import Store
import Resilience
import Workflow

/// Everything the worker needs to run, with documented defaults.
/// Loaded from environment variables (and an optional JSON file) by ``load(environment:)``.
public struct WorkerConfiguration: Sendable {
    /// Kafka connection, topics and pass-through librdkafka properties.
    public struct Kafka: Sendable {
        /// `KAFKA_BOOTSTRAP_SERVERS`. Required.
        public var bootstrapServers: String
        /// `KAFKA_GROUP_ID`. Default `vlens-worker`.
        public var groupID: String = "vlens-worker"
        /// `CAPTURE_TOPIC`. Default `identity.capture-submitted.v1`.
        public var captureTopic: String = "identity.capture-submitted.v1"
        /// `RESULT_TOPIC`. Default `identity.verification-result.v2`.
        public var resultTopic: String = "identity.verification-result.v2"
        /// `STATUS_TOPIC`: the compacted per-transaction status topic. Default `identity.verification-status.v1`.
        public var statusTopic: String = "identity.verification-status.v1"
        /// `RESULT_V1_TOPIC`: where to publish the deprecated v1 form of each result too, while v1
        /// consumers move to v2 (e.g. `identity.verification-result.v1`). Default unset: none.
        public var resultV1Topic: String?
        /// `DEAD_LETTER_TOPIC`. Default `identity.capture-submitted.v1.dlq`.
        public var deadLetterTopic: String = "identity.capture-submitted.v1.dlq"
        /// `KAFKA_EXACTLY_ONCE`: publish results and commit offsets in one Kafka transaction
        /// (`transactional.id` = group id + instance id). Default false.
        public var exactlyOnce: Bool = false
        /// `KAFKA_SESSION_TIMEOUT_MS`. Default 10 s.
        public var sessionTimeout: Duration = .seconds(10)
        /// `UNOWNED_PARTITION_ALERT_MS`: a capture partition that no group member owns for this long is
        /// reported (metric `vlens_worker_unowned_partitions`, `/health/ready` detail). Default 60 s.
        public var unownedPartitionAlert: Duration = .seconds(60)
        /// `KAFKA_PROPERTY_<NAME>`: any librdkafka property, e.g. `KAFKA_PROPERTY_SECURITY_PROTOCOL=SASL_SSL`
        /// becomes `security.protocol`. `KAFKA_SASL_PASSWORD` / `KAFKA_SASL_PASSWORD_FILE` set `sasl.password`.
        public var properties: [String: String] = [:]

        public init(bootstrapServers: String) {
            self.bootstrapServers = bootstrapServers
        }
    }

    /// One Vlens tenant: where to call and with which key.
    public struct Tenant: Sendable {
        public var name: String
        /// `VLENS_BASE_URL` (default tenant) or `VLENS_TENANT_<NAME>_BASE_URL`.
        public var baseURL: URL
        /// `VLENS_API_KEY` / `VLENS_API_KEY_FILE`, or `VLENS_TENANT_<NAME>_API_KEY[_FILE]`. A secret.
        public var apiKey: String
        /// `VLENS_RATE_LIMIT_RPS` / `..._RPM` (or per tenant). Defaults 10/s and 60/min; `unlimited` allowed.
        public var rateLimit: RateLimit
        /// `VLENS_USER_TOKEN_FALLBACK` (or `VLENS_TENANT_<NAME>_USER_TOKEN_FALLBACK`): `api-key-only`
        /// re-sends a capture step whose user token Vlens refuses (401) without it, leaving the
        /// transaction unlinked until a link; `none` (default) rejects it with `user_token_rejected`.
        public var userTokenFallback: Bool = false
    }

    /// Calling Vlens.
    public struct Vlens: Sendable {
        /// The tenant used when an event names none.
        public var defaultTenant: Tenant
        /// Further tenants by name (`VLENS_TENANTS=acme,globex`).
        public var tenants: [String: Tenant] = [:]
        /// `VLENS_REQUEST_TIMEOUT_MS`. Default 30 s.
        public var requestTimeout: Duration = Self.defaultRequestTimeout
        /// `VLENS_MAX_CONNECTIONS` per host. Default `MAX_IN_FLIGHT` (one per capture in flight).
        public var maxConnections: Int = Processing().maxInFlight
        public static let defaultRequestTimeout: Duration = .seconds(30)
        /// `VLENS_RETRY_MAX_ATTEMPTS`, `VLENS_RETRY_BASE_DELAY_MS`, `VLENS_RETRY_MAX_DELAY_MS`.
        public var retry = RetryPolicy()
        /// `BREAKER_FAILURE_THRESHOLD`, `BREAKER_PROBE_INTERVAL_MS`.
        public var breaker = CircuitBreaker.Configuration()
        /// `VLENS_RATE_LIMIT_TRANSIT_MS`: how much later than its predecessors a call may reach Vlens
        /// and still keep every window of the limit. Default 30 ms.
        public var rateTransitAllowance: Duration = RequestPacer.defaultTransitAllowance
        /// `RATE_SHARE`: how the instances of a group share each tenant's limit. Default ``RateShareMode/demand``.
        public var rateShare: RateShareMode = .demand
    }

    /// How the instances of a consumer group divide a tenant's rate limit.
    public enum RateShareMode: String, Sendable {
        /// By demand: leases in the store, renewed every 250 ms (``RateShareAllocation``).
        case demand
        /// By each instance's share of the capture topic's partitions; no store traffic.
        case partitions
    }

    /// The processing engine's limits.
    public struct Processing: Sendable {
        /// `MAX_IN_FLIGHT`. Default 256.
        public var maxInFlight: Int = 256
        /// `MAX_IN_FLIGHT_BYTES`. Default 256 MiB.
        public var maxInFlightBytes: Int = 256 << 20
        /// `ORDERING_MODE`: `key` (default) or `partition`.
        public var orderingByPartition: Bool = false
        /// `COMMIT_INTERVAL_MS`. Default 1 s.
        public var commitInterval: Duration = .seconds(1)
        /// `DRAIN_TIMEOUT_MS`: how long shutdown and revocation wait for in-flight captures. Default 25 s.
        public var drainTimeout: Duration = .seconds(25)
        /// `SHUTDOWN_MARGIN_MS`: what stopping takes after the drain (Kafka, the store, the HTTP
        /// server); the worker's graceful shutdown is bounded by `drainTimeout` + this. Default 20 s.
        public var shutdownMargin: Duration = .seconds(20)
        /// `MAX_UNCOMMITTED_PER_PARTITION`: a partition with this many records received past its
        /// commit point is paused until the point moves. Default 10,000.
        public var maxUncommittedPerPartition: Int = 10_000
        /// `MAX_UNCOMMITTED_BYTES_PER_PARTITION`: the same bound in bytes. Default 128 MiB.
        public var maxUncommittedBytesPerPartition: Int = 128 << 20
    }

    /// `EARLY_LIVENESS`, `EARLY_LIVENESS_MAX_WAIT_MS`, `LINK_MAX_WAIT_MS`.
    public typealias Flow = FlowPolicy

    /// Input limits and claim-check fetching.
    public struct Input: Sendable {
        /// `MAX_EVENT_BYTES`: larger capture events are dead-lettered. Default 16 MiB.
        public var maxEventBytes: Int = 16 << 20
        /// `DEAD_LETTER_MAX_VALUE_BYTES`: dead letters of larger events carry no value (the dead-letter
        /// topic would refuse them) but `dlq_value_omitted_bytes`. `nil` (the default): what the
        /// dead-letter topic takes (``DeadLetterLimit``).
        public var maxDeadLetterValueBytes: Int?
        /// `CLAIM_CHECK_ALLOWED_HOSTS`, `CLAIM_CHECK_ALLOWED_SCHEMES`, `CLAIM_CHECK_ALLOW_PRIVATE_ADDRESSES`, `MAX_IMAGE_BYTES`.
        public var claimCheck = ClaimCheckPolicy()
        /// `INCLUDE_EXTRACTED_DATA`: put OCR data in results when the capture asks. Default false.
        public var includeExtractedData: Bool = false
    }

    public var kafka: Kafka
    public var vlens: Vlens
    public var processing = Processing()
    public var flow = Flow()
    public var input = Input()
    /// `PARKING_*`: parking captures that cannot progress now.
    public var parking = ParkingPolicy()
    /// `STORE_URL`. Default `sqlite:./data/vlens-worker.sqlite`.
    public var storeURL: String = Self.defaultStoreURL
    public static let defaultStoreURL = "sqlite:./data/vlens-worker.sqlite"
    /// `STORE_ENCRYPTION_KEYS` / `STORE_ENCRYPTION_KEYS_FILE` (a secret): `id:base64-of-32-bytes`,
    /// comma-separated; the first seals stored results, all open them. Required with
    /// `INCLUDE_EXTRACTED_DATA=true`. Default none (results are stored as published).
    public var storeEncryptionKeys: [ResultCipher.Key] = []
    /// `WORKER_TEST_CRASH_POINT`: tests only, where the worker kills itself (``CrashPoint``). Default none.
    public var testCrashPoint: CrashPoint?
    /// `RETENTION_DAYS`: how long the store keeps results, transaction states and markers. Default 30 days.
    public var retention: Duration = .seconds(Self.defaultRetentionDays * 86_400)
    public static let defaultRetentionDays = 30
    /// `HTTP_HOST`, `HTTP_PORT`: health and metrics. Default 0.0.0.0:8080.
    public var httpHost: String = Self.defaultHTTPHost
    public var httpPort: Int = Self.defaultHTTPPort
    public static let defaultHTTPHost = "0.0.0.0"
    public static let defaultHTTPPort = 8080
    /// `LOG_LEVEL`. Default `info`.
    public var logLevel: String = Self.defaultLogLevel
    public static let defaultLogLevel = "info"
    public var tracing = Tracing()
    /// `WORKER_INSTANCE_ID`: names this instance in in-flight markers. Default the host name and PID.
    public var instanceID: String = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
}

extension WorkerConfiguration {
    /// Trace export and sampling. Context propagation (`traceparent` from the capture through the
    /// Vlens call into the result) is always on.
    public struct Tracing: Sendable {
        /// `OTEL_EXPORTER_OTLP_ENDPOINT`: an OpenTelemetry collector's OTLP/HTTP base URL, e.g.
        /// `http://otel-collector:4318`; sampled spans are exported when set. Default unset.
        public var otlpEndpoint: URL?
        /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: the full URL spans are posted to, used as it is; wins
        /// over `OTEL_EXPORTER_OTLP_ENDPOINT`. Default unset.
        public var otlpTracesEndpoint: URL?

        /// False with `OTEL_TRACES_EXPORTER=none`: nothing is exported, whatever the endpoints say.
        public var exports = true

        /// Where spans are exported: the traces endpoint as it is, else the base endpoint plus
        /// `/v1/traces`; nil exports nothing (and spans are then only propagated, not recorded).
        public var tracesURL: String? {
            guard exports else { return nil }
            if let otlpTracesEndpoint { return otlpTracesEndpoint.absoluteString }
            guard var base = otlpEndpoint?.absoluteString else { return nil }
            while base.hasSuffix("/") { base.removeLast() }
            return base + "/v1/traces"
        }
        /// `OTEL_SERVICE_NAME`. Default `vlens-worker`.
        public var serviceName = "vlens-worker"
        /// `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`. Default `parentbased_always_on`.
        public var sampling = TraceSampling.default
        /// `OTEL_BSP_SCHEDULE_DELAY`: how long ended spans wait before a batch is exported. Default 2 s.
        public var scheduleDelay: Duration = .seconds(2)
        /// False with `OTEL_SDK_DISABLED=true`: no spans at all; a capture's own `traceparent` is
        /// passed on unchanged. Default true.
        public var enabled = true
    }
}
