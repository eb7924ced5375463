import VlensAPI
import Configuration
import Foundation
import Store
import Verification
import Resilience
import Workflow


extension WorkerConfiguration {
    /// Loads and validates the configuration from environment variables and, when `CONFIG_FILE`
    /// names one, a JSON file (keys nested by the variable's words: `KAFKA_GROUP_ID` is
    /// `{"kafka": {"group": {"id": ...}}}`). Environment variables win over the file.
    ///
    /// - Throws: ``ConfigurationError`` listing every bad key with the problem and the fix.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> WorkerConfiguration {
        var providers: [any ConfigProvider] = [EnvironmentVariablesProvider(environmentVariables: environment)]
        var fileVariables: [String: String] = [:]
        if let file = environment["CONFIG_FILE"], !file.isEmpty {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: .init(file)))
                let json = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
                fileVariables = ConfigSource.fileVariables(json: json)
            } catch {
                throw ConfigurationError(problems: [.init(
                    key: "CONFIG_FILE", problem: "names a file that cannot be read as JSON",
                    fix: "point it at a readable JSON file, or unset it"
                )])
            }
        }
        var source = ConfigSource(reader: ConfigReader(providers: providers), environment: environment, fileVariables: fileVariables)
        let configuration = parse(&source)
        guard source.problems.isEmpty, let configuration else {
            throw ConfigurationError(problems: source.problems)
        }
        return configuration
    }

    private static func parseParking(_ source: inout ConfigSource) -> ParkingPolicy {
        var parking = ParkingPolicy()
        parking.parkAfter = source.milliseconds("PARKING_AFTER_MS", default: parking.parkAfter, range: 0...600_000)
        parking.maxAge = source.milliseconds("PARKING_MAX_AGE_MS", default: parking.maxAge, range: 1000...(90 * 86_400_000))
        parking.maxAttempts = source.int("PARKING_MAX_ATTEMPTS", default: parking.maxAttempts, range: 1...10_000)
        parking.maxPerTenant = source.int("PARKING_MAX_PER_TENANT", default: parking.maxPerTenant, range: 1...100_000_000)
        parking.maxBytesPerTenant = source.int("PARKING_MAX_BYTES_PER_TENANT", default: parking.maxBytesPerTenant, range: 1 << 20...1 << 42)
        parking.resumeConcurrency = source.int("PARKING_RESUME_CONCURRENCY", default: parking.resumeConcurrency, range: 1...10_000)
        return parking
    }

    private static func parseFlow(_ source: inout ConfigSource) -> Flow {
        var flow = Flow()
        switch source.string("EARLY_LIVENESS", default: "reject").lowercased() {
        case "reject": flow.parkEarlyLiveness = false
        case "park": flow.parkEarlyLiveness = true
        default: source.report("EARLY_LIVENESS", "is neither park nor reject", fix: "use reject (the default) or park")
        }
        flow.earlyLivenessMaxWait = source.milliseconds("EARLY_LIVENESS_MAX_WAIT_MS", default: flow.earlyLivenessMaxWait, range: 1000...86_400_000)
        flow.linkMaxWait = source.milliseconds("LINK_MAX_WAIT_MS", default: flow.linkMaxWait, range: 0...(30 * 86_400_000))
        return flow
    }

    private static func parse(_ source: inout ConfigSource) -> WorkerConfiguration? {
        let kafka = parseKafka(&source)
        let vlens = parseVlens(&source)

        var processing = Processing()
        processing.maxInFlight = source.int("MAX_IN_FLIGHT", default: processing.maxInFlight, range: 1...100_000)
        processing.maxInFlightBytes = source.int("MAX_IN_FLIGHT_BYTES", default: processing.maxInFlightBytes, range: 1 << 20...1 << 40)
        switch source.string("ORDERING_MODE", default: "key").lowercased() {
        case "key": processing.orderingByPartition = false
        case "partition": processing.orderingByPartition = true
        default: source.report("ORDERING_MODE", "is not a known ordering mode", fix: "use key (the default) or partition")
        }
        processing.commitInterval = source.milliseconds("COMMIT_INTERVAL_MS", default: processing.commitInterval, range: 10...600_000)
        processing.drainTimeout = source.milliseconds("DRAIN_TIMEOUT_MS", default: processing.drainTimeout, range: 0...3_600_000)
        processing.shutdownMargin = source.milliseconds("SHUTDOWN_MARGIN_MS", default: processing.shutdownMargin, range: 1000...600_000)
        processing.maxUncommittedPerPartition = source.int(
            "MAX_UNCOMMITTED_PER_PARTITION", default: processing.maxUncommittedPerPartition, range: 1...10_000_000)
        processing.maxUncommittedBytesPerPartition = source.int(
            "MAX_UNCOMMITTED_BYTES_PER_PARTITION", default: processing.maxUncommittedBytesPerPartition, range: 1 << 20...1 << 40)
        let parking = parseParking(&source)
        let flow = parseFlow(&source)

        var input = Input()
        input.maxEventBytes = source.int("MAX_EVENT_BYTES", default: input.maxEventBytes, range: 1024...1 << 30)
        input.maxDeadLetterValueBytes = source.int("DEAD_LETTER_MAX_VALUE_BYTES", default: input.maxDeadLetterValueBytes, range: 0...1 << 30)
        let schemes = source.list("CLAIM_CHECK_ALLOWED_SCHEMES").map { $0.lowercased() }
        if let unknown = schemes.first(where: { $0 != "https" && $0 != "http" }) {
            source.report("CLAIM_CHECK_ALLOWED_SCHEMES", "contains the unsupported scheme \"\(unknown)\"", fix: "list only https and/or http")
        }
        input.claimCheck = ClaimCheckPolicy(
            allowedSchemes: schemes.isEmpty ? ["https"] : Set(schemes),
            allowedHosts: source.list("CLAIM_CHECK_ALLOWED_HOSTS"),
            allowPrivateAddresses: source.bool("CLAIM_CHECK_ALLOW_PRIVATE_ADDRESSES", default: false),
            maxImageBytes: source.int("MAX_IMAGE_BYTES", default: ClaimCheckPolicy().maxImageBytes, range: 1024...1 << 30)
        )
        input.includeExtractedData = source.bool("INCLUDE_EXTRACTED_DATA", default: false)

        let storeURL = source.string("STORE_URL", default: Self.defaultStoreURL)
        if !(storeURL.hasPrefix("sqlite:") || storeURL.hasPrefix("postgres://") || storeURL.hasPrefix("postgresql://")) {
            source.report("STORE_URL", "is neither a sqlite: path nor a postgres:// URL", fix: "use sqlite:./data/vlens-worker.sqlite or postgres://user@host:5432/db")
        }
        let retentionDays = source.int("RETENTION_DAYS", default: Self.defaultRetentionDays, range: 1...3650)
        if parking.maxAge > .seconds(retentionDays * 86_400) {
            source.report(
                "PARKING_MAX_AGE_MS", "is longer than RETENTION_DAYS, so a parked capture's images could outlive the retention",
                fix: "set PARKING_MAX_AGE_MS to at most RETENTION_DAYS × 86400000 (a capture parked that long fails with a dead letter)"
            )
        }
        let encryptionKeys = Self.parseEncryptionKeys(&source)
        if input.includeExtractedData, encryptionKeys.isEmpty {
            source.report(
                "INCLUDE_EXTRACTED_DATA", "is true, so stored results would hold OCR'd personal data in the clear",
                fix: "set STORE_ENCRYPTION_KEYS_FILE (or STORE_ENCRYPTION_KEYS) to id:base64-of-32-random-bytes, e.g. from `head -c32 /dev/urandom | base64`"
            )
        }
        var crashPoint: CrashPoint?
        if let point = source.raw("WORKER_TEST_CRASH_POINT") {
            crashPoint = CrashPoint(rawValue: point)
            if crashPoint == nil {
                source.report("WORKER_TEST_CRASH_POINT", "is not a crash point", fix: "leave it unset (tests only), or use \(CrashPoint.allCases.map(\.rawValue).joined(separator: " or "))")
            }
        }
        let httpHost = source.string("HTTP_HOST", default: Self.defaultHTTPHost)
        let httpPort = source.int("HTTP_PORT", default: Self.defaultHTTPPort, range: 0...65535)
        let logLevel = source.string("LOG_LEVEL", default: Self.defaultLogLevel).lowercased()
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) {
            source.report("LOG_LEVEL", "is not a log level", fix: "use trace, debug, info, notice, warning, error or critical")
        }

        var tracing = Tracing()
        tracing.otlpEndpoint = source.url("OTEL_EXPORTER_OTLP_ENDPOINT", schemes: ["http", "https"])
        tracing.serviceName = source.string("OTEL_SERVICE_NAME", default: tracing.serviceName)

        guard let kafka, let vlens else { return nil }
        var configuration = WorkerConfiguration(kafka: kafka, vlens: vlens, processing: processing, input: input)
        configuration.tracing = tracing
        configuration.parking = parking
        configuration.flow = flow
        // One connection per in-flight capture unless set: a smaller pool would cap Vlens calls below MAX_IN_FLIGHT.
        if source.raw("VLENS_MAX_CONNECTIONS") == nil { configuration.vlens.maxConnections = processing.maxInFlight }
        configuration.storeURL = storeURL
        configuration.retention = .seconds(retentionDays * 86_400)
        configuration.testCrashPoint = crashPoint
        configuration.storeEncryptionKeys = encryptionKeys
        configuration.httpHost = httpHost
        configuration.httpPort = httpPort
        configuration.logLevel = logLevel
        if let instance = source.raw("WORKER_INSTANCE_ID") {
            configuration.instanceID = instance
        } else if configuration.kafka.exactlyOnce {
            // The default (host name and PID) changes on every restart, so a successor could never
            // fence its predecessor's open transaction.
            source.report(
                "WORKER_INSTANCE_ID", "is not set, and KAFKA_EXACTLY_ONCE=true needs a transactional id that survives restarts",
                fix: "set it to a name stable across restarts, such as a StatefulSet's pod name (vlens-worker-0, -1, ...)"
            )
        }
        return configuration
    }

    /// `STORE_ENCRYPTION_KEYS[_FILE]`: `id:base64,...`. Errors name the key id, never the material.
    private static func parseEncryptionKeys(_ source: inout ConfigSource) -> [ResultCipher.Key] {
        guard let text = source.secret("STORE_ENCRYPTION_KEYS") else { return [] }
        var keys: [ResultCipher.Key] = []
        for (index, entry) in text.split(separator: ",").enumerated() {
            let parts = entry.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let material = Data(base64Encoded: String(parts[1])),
                  let key = try? ResultCipher.Key(id: String(parts[0]), material: Array(material)) else {
                source.report("STORE_ENCRYPTION_KEYS", "entry \(index + 1) is not id:base64-of-32-bytes", fix: "write each key as id:base64 of 32 random bytes, e.g. 2026-11:$(head -c32 /dev/urandom | base64)")
                continue
            }
            guard !keys.contains(where: { $0.id == key.id }) else {
                source.report("STORE_ENCRYPTION_KEYS", "names key \(key.id) twice", fix: "give every key its own id")
                continue
            }
            keys.append(key)
        }
        return keys
    }

    private static func parseKafka(_ source: inout ConfigSource) -> Kafka? {
        guard let servers = source.raw("KAFKA_BOOTSTRAP_SERVERS") else {
            source.report("KAFKA_BOOTSTRAP_SERVERS", "is not set", fix: "set it to the broker list, e.g. kafka-1:9092,kafka-2:9092")
            return nil
        }
        var kafka = Kafka(bootstrapServers: servers)
        kafka.groupID = source.string("KAFKA_GROUP_ID", default: kafka.groupID)
        kafka.captureTopic = source.string("CAPTURE_TOPIC", default: kafka.captureTopic)
        kafka.resultTopic = source.string("RESULT_TOPIC", default: kafka.resultTopic)
        kafka.statusTopic = source.string("STATUS_TOPIC", default: kafka.statusTopic)
        let v1Topic = source.string("RESULT_V1_TOPIC", default: "")
        kafka.resultV1Topic = v1Topic.isEmpty ? nil : v1Topic
        kafka.deadLetterTopic = source.string("DEAD_LETTER_TOPIC", default: kafka.deadLetterTopic)
        let topics = [kafka.captureTopic, kafka.resultTopic, kafka.statusTopic, kafka.deadLetterTopic] + (kafka.resultV1Topic.map { [$0] } ?? [])
        if Set(topics).count < topics.count {
            source.report(
                "CAPTURE_TOPIC", "equals RESULT_TOPIC, STATUS_TOPIC, RESULT_V1_TOPIC or DEAD_LETTER_TOPIC",
                fix: "give the capture, result, status, v1 result and dead-letter topics distinct names")
        }
        kafka.exactlyOnce = source.bool("KAFKA_EXACTLY_ONCE", default: false)
        kafka.sessionTimeout = source.milliseconds("KAFKA_SESSION_TIMEOUT_MS", default: kafka.sessionTimeout, range: 6000...300_000)
        kafka.unownedPartitionAlert = source.milliseconds("UNOWNED_PARTITION_ALERT_MS", default: kafka.unownedPartitionAlert, range: 5000...86_400_000)
        for (name, value) in source.variables(withPrefix: "KAFKA_PROPERTY_") {
            let property = name.dropFirst("KAFKA_PROPERTY_".count).lowercased().replacingOccurrences(of: "_", with: ".")
            if property == "sasl.password" {
                source.report(name, "would put a secret in a plain property", fix: "use KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE")
                continue
            }
            kafka.properties[property] = value
        }
        if let password = source.secret("KAFKA_SASL_PASSWORD") {
            kafka.properties["sasl.password"] = password
        }
        return kafka
    }

    private static func parseVlens(_ source: inout ConfigSource) -> Vlens? {
        let defaultTenant = parseTenant(&source, name: "default", prefix: "VLENS_")
        var tenants: [String: Tenant] = [:]
        for name in source.list("VLENS_TENANTS") {
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                source.report("VLENS_TENANTS", "contains a tenant name with characters other than letters, digits and -", fix: "use simple names like acme,globex")
                continue
            }
            let prefix = "VLENS_TENANT_\(name.uppercased().replacingOccurrences(of: "-", with: "_"))_"
            if let tenant = parseTenant(&source, name: name, prefix: prefix) { tenants[name] = tenant }
        }
        var vlens = defaultTenant.map { Vlens(defaultTenant: $0, tenants: tenants) }
        let timeout = source.milliseconds("VLENS_REQUEST_TIMEOUT_MS", default: Vlens.defaultRequestTimeout, range: 100...600_000)
        // Unset: one connection per capture in flight (`parse` sets it from MAX_IN_FLIGHT).
        let connections = source.raw("VLENS_MAX_CONNECTIONS").map { _ in source.int("VLENS_MAX_CONNECTIONS", default: 1, range: 1...10_000) }
        let defaultRetry = RetryPolicy()
        let retry = RetryPolicy(
            maxAttempts: source.int("VLENS_RETRY_MAX_ATTEMPTS", default: defaultRetry.maxAttempts, range: 1...1000),
            baseDelay: source.milliseconds("VLENS_RETRY_BASE_DELAY_MS", default: defaultRetry.baseDelay, range: 1...600_000),
            maxDelay: source.milliseconds("VLENS_RETRY_MAX_DELAY_MS", default: defaultRetry.maxDelay, range: 1...3_600_000)
        )
        let defaultBreaker = CircuitBreaker.Configuration()
        let breaker = CircuitBreaker.Configuration(
            failureThreshold: source.int("BREAKER_FAILURE_THRESHOLD", default: defaultBreaker.failureThreshold, range: 1...10_000),
            probeInterval: source.milliseconds("BREAKER_PROBE_INTERVAL_MS", default: defaultBreaker.probeInterval, range: 10...3_600_000)
        )
        vlens?.requestTimeout = timeout
        if let connections { vlens?.maxConnections = connections }
        vlens?.retry = retry
        vlens?.breaker = breaker
        switch source.string("RATE_SHARE", default: "demand").lowercased() {
        case "demand": vlens?.rateShare = .demand
        case "partitions": vlens?.rateShare = .partitions
        default: source.report("RATE_SHARE", "is not a known way to share the rate limit", fix: "use demand (the default) or partitions")
        }
        return vlens
    }

    private static func parseTenant(_ source: inout ConfigSource, name: String, prefix: String) -> Tenant? {
        let baseKey = prefix + "BASE_URL"
        let keyKey = prefix + "API_KEY"
        var baseURL: URL?
        if source.raw(baseKey) == nil {
            source.report(baseKey, "is not set", fix: "set it to the Vlens API base URL, e.g. https://api.vlenseg.com")
        } else {
            baseURL = source.url(baseKey, schemes: ["https", "http"])
        }
        let apiKey = source.secret(keyKey)
        if apiKey == nil, source.raw(keyKey + "_FILE") == nil {
            source.report(keyKey, "is not set", fix: "set \(keyKey), or \(keyKey)_FILE to a mounted secret file")
        }
        let defaultLimit = RateLimit()
        let limit = RateLimit(
            perSecond: source.rate(prefix + "RATE_LIMIT_RPS", default: defaultLimit.perSecond),
            perMinute: source.rate(prefix + "RATE_LIMIT_RPM", default: defaultLimit.perMinute)
        )
        let fallbackKey = prefix + "USER_TOKEN_FALLBACK"
        let fallbackDefault = prefix == "VLENS_" ? "none" : source.string("VLENS_USER_TOKEN_FALLBACK", default: "none")
        var fallback = false
        switch source.string(fallbackKey, default: fallbackDefault).lowercased() {
        case "none": fallback = false
        case "api-key-only": fallback = true
        default: source.report(fallbackKey, "is neither none nor api-key-only", fix: "use none (the default) or api-key-only")
        }
        guard let baseURL, let apiKey else { return nil }
        return Tenant(name: name, baseURL: baseURL, apiKey: apiKey, rateLimit: limit, userTokenFallback: fallback)
    }
}
