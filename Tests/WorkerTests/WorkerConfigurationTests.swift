import VlensAPI
import Foundation
import Testing
import Worker
import Resilience
import WorkerSettings

@Suite("Worker configuration")
struct WorkerConfigurationTests {
    private let minimal = [
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
        "VLENS_BASE_URL": "https://vlens.example.com",
        "VLENS_API_KEY": "key-123-secret",
    ]

    @Test("a minimal environment loads with the documented defaults")
    func defaults() async throws {
        let configuration = try await WorkerConfiguration.load(environment: minimal)
        #expect(configuration.kafka.groupID == "vlens-worker")
        #expect(configuration.kafka.captureTopic == "identity.capture-submitted.v1")
        #expect(configuration.kafka.resultTopic == "identity.verification-result.v2")
        #expect(configuration.kafka.statusTopic == "identity.verification-status.v1")
        #expect(configuration.kafka.deadLetterTopic == "identity.capture-submitted.v1.dlq")
        #expect(configuration.storeURL == "sqlite:./data/vlens-worker.sqlite")
        #expect(configuration.vlens.defaultTenant.apiKey == "key-123-secret")
        #expect(configuration.vlens.defaultTenant.rateLimit == RateLimit(perSecond: 10, perMinute: 60))
        #expect(configuration.processing.maxInFlight == 256)
        #expect(configuration.vlens.maxConnections == 256, "one connection per capture in flight")
        #expect(!configuration.processing.orderingByPartition)
        #expect(configuration.httpPort == 8080)
        #expect(configuration.kafka.resultV1Topic == nil)
        #expect(!configuration.flow.parkEarlyLiveness && configuration.flow.linkMaxWait == .seconds(3600))
        #expect(!configuration.vlens.defaultTenant.userTokenFallback)
    }

    @Test("the Vlens pool follows MAX_IN_FLIGHT unless VLENS_MAX_CONNECTIONS is set")
    func connectionPool() async throws {
        var environment = minimal
        environment["MAX_IN_FLIGHT"] = "32"
        #expect(try await WorkerConfiguration.load(environment: environment).vlens.maxConnections == 32)
        environment["VLENS_MAX_CONNECTIONS"] = "8"
        #expect(try await WorkerConfiguration.load(environment: environment).vlens.maxConnections == 8)
    }

    @Test("the flow settings load, and bad values name the key and the fix")
    func flow() async throws {
        var environment = minimal
        environment["EARLY_LIVENESS"] = "park"
        environment["LINK_MAX_WAIT_MS"] = "0"
        environment["VLENS_USER_TOKEN_FALLBACK"] = "api-key-only"
        environment["RESULT_V1_TOPIC"] = "identity.verification-result.v1"
        let configuration = try await WorkerConfiguration.load(environment: environment)
        #expect(configuration.flow.parkEarlyLiveness && configuration.flow.linkMaxWait == .zero)
        #expect(configuration.vlens.defaultTenant.userTokenFallback)
        #expect(configuration.kafka.resultV1Topic == "identity.verification-result.v1")
        environment["EARLY_LIVENESS"] = "later"
        environment["VLENS_USER_TOKEN_FALLBACK"] = "always"
        environment["STATUS_TOPIC"] = "identity.verification-result.v2"
        await #expect {
            _ = try await WorkerConfiguration.load(environment: environment)
        } throws: { error in
            let text = "\(error)"
            return text.contains("EARLY_LIVENESS") && text.contains("VLENS_USER_TOKEN_FALLBACK") && text.contains("STATUS_TOPIC")
        }
    }

    @Test("parking settings load, and a parking age beyond the retention is refused with the key and the fix")
    func parking() async throws {
        var environment = minimal
        environment["PARKING_AFTER_MS"] = "500"
        environment["PARKING_MAX_ATTEMPTS"] = "5"
        environment["MAX_UNCOMMITTED_PER_PARTITION"] = "2000"
        let configuration = try await WorkerConfiguration.load(environment: environment)
        #expect(configuration.parking.parkAfter == .milliseconds(500))
        #expect(configuration.parking.maxAttempts == 5)
        #expect(configuration.parking.maxAge == .seconds(86_400))
        #expect(configuration.processing.maxUncommittedPerPartition == 2000)

        environment["RETENTION_DAYS"] = "1"
        environment["PARKING_MAX_AGE_MS"] = String(2 * 86_400_000)
        let error = try await #require(throws: ConfigurationError.self) {
            try await WorkerConfiguration.load(environment: environment)
        }
        #expect(error.problems.map(\.key) == ["PARKING_MAX_AGE_MS"])
        #expect(error.description.contains("RETENTION_DAYS"))
    }

    @Test("an empty environment names every required key with a fix")
    func missingRequired() async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await WorkerConfiguration.load(environment: [:])
        }
        let keys = Set(error.problems.map(\.key))
        #expect(keys == ["KAFKA_BOOTSTRAP_SERVERS", "VLENS_BASE_URL", "VLENS_API_KEY"])
        #expect(error.problems.allSatisfy { !$0.problem.isEmpty && !$0.fix.isEmpty })
    }

    @Test("claim-check hosts take names, suffixes and IPv6 literals")
    func claimCheckHosts() async throws {
        var environment = minimal
        environment["CLAIM_CHECK_ALLOWED_HOSTS"] = "images.example.com, .cdn.example.com, ::1, [fd00::1]"
        let configuration = try await WorkerConfiguration.load(environment: environment)
        #expect(configuration.input.claimCheck.allowedHosts == ["images.example.com", ".cdn.example.com", "::1", "[fd00::1]"])
    }

    @Test("malformed values are reported by key, not replaced by defaults", arguments: [
        ("HTTP_PORT", "eighty", "not a whole number"),
        ("MAX_IN_FLIGHT", "0", "outside"),
        ("ORDERING_MODE", "random", "ordering mode"),
        ("RATE_SHARE", "evenly", "share the rate limit"),
        ("VLENS_BASE_URL", "ftp://vlens", "URL"),
        ("VLENS_RATE_LIMIT_RPS", "-3", "positive number"),
        ("KAFKA_EXACTLY_ONCE", "maybe", "boolean"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318", "absolute"),
        ("STORE_URL", "mysql://db", "sqlite"),
        ("LOG_LEVEL", "loud", "log level"),
        ("MAX_EVENT_BYTES", "999000000", "outside"),
        ("VLENS_API_KEY", "key-123-secret\n", "line break"),
        ("DEAD_LETTER_TOPIC", "identity.verification-result.v2", "same topic as RESULT_TOPIC"),
        ("CLAIM_CHECK_ALLOWED_HOSTS", "images.example.com,https://cdn.example.com", "a URL"),
        ("CLAIM_CHECK_ALLOWED_HOSTS", "images.example.com:443", "not a host name"),
    ])
    func malformed(key: String, value: String, expected: String) async throws {
        var environment = minimal
        environment[key] = value
        let error = try await #require(throws: ConfigurationError.self) {
            try await WorkerConfiguration.load(environment: environment)
        }
        let problem = try #require(error.problems.first { $0.key == key })
        #expect(problem.problem.contains(expected))
        #expect(!error.description.contains("key-123-secret"))
    }

    @Test("extracted data is stored only encrypted: INCLUDE_EXTRACTED_DATA needs STORE_ENCRYPTION_KEYS, and bad keys are named without their material")
    func encryptionKeys() async throws {
        var environment = minimal
        environment["INCLUDE_EXTRACTED_DATA"] = "true"
        let missing = try await #require(throws: ConfigurationError.self) { try await WorkerConfiguration.load(environment: environment) }
        #expect(missing.problems.contains { $0.key == "INCLUDE_EXTRACTED_DATA" && $0.fix.contains("STORE_ENCRYPTION_KEYS") })

        let material = Data(repeating: 9, count: 32).base64EncodedString()
        environment["STORE_ENCRYPTION_KEYS"] = "2026-12:\(material), 2026-11:\(Data(repeating: 8, count: 32).base64EncodedString())"
        let loaded = try await WorkerConfiguration.load(environment: environment)
        #expect(loaded.storeEncryptionKeys.map(\.id) == ["2026-12", "2026-11"])

        environment["STORE_ENCRYPTION_KEYS"] = "short:\(Data(repeating: 9, count: 16).base64EncodedString())"
        let short = try await #require(throws: ConfigurationError.self) { try await WorkerConfiguration.load(environment: environment) }
        #expect(short.problems.contains { $0.key == "STORE_ENCRYPTION_KEYS" })
        #expect(!short.description.contains(Data(repeating: 9, count: 16).base64EncodedString()), "the key material never appears in errors")
    }

    @Test("exactly-once mode needs an instance id that survives restarts")
    func exactlyOnceNeedsStableInstance() async throws {
        var environment = minimal
        environment["KAFKA_EXACTLY_ONCE"] = "true"
        let error = try await #require(throws: ConfigurationError.self) { try await WorkerConfiguration.load(environment: environment) }
        #expect(error.problems.contains { $0.key == "WORKER_INSTANCE_ID" && $0.fix.contains("StatefulSet") })
        environment["WORKER_INSTANCE_ID"] = "vlens-worker-0"
        #expect(try await WorkerConfiguration.load(environment: environment).instanceID == "vlens-worker-0")
    }

    @Test("secrets come from mounted files, and setting both ways is refused")
    func secretFiles() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("api-key-\(UUID().uuidString)")
        try "from-file-secret\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        var environment = minimal
        environment["VLENS_API_KEY"] = nil
        environment["VLENS_API_KEY_FILE"] = file.path
        #expect(try await WorkerConfiguration.load(environment: environment).vlens.defaultTenant.apiKey == "from-file-secret")

        environment["VLENS_API_KEY"] = "inline-secret"
        let error = try await #require(throws: ConfigurationError.self) {
            try await WorkerConfiguration.load(environment: environment)
        }
        #expect(error.problems.map(\.key) == ["VLENS_API_KEY"])
        #expect(!error.description.contains("inline-secret") && !error.description.contains("from-file-secret"))

        environment["VLENS_API_KEY"] = nil
        environment["VLENS_API_KEY_FILE"] = "/nonexistent/secret"
        let missing = try await #require(throws: ConfigurationError.self) {
            try await WorkerConfiguration.load(environment: environment)
        }
        #expect(missing.problems.map(\.key) == ["VLENS_API_KEY_FILE"])
    }

    @Test("librdkafka properties pass through; a SASL password only as a secret")
    func kafkaProperties() async throws {
        var environment = minimal
        environment["KAFKA_PROPERTY_SECURITY_PROTOCOL"] = "SASL_SSL"
        environment["KAFKA_PROPERTY_SASL_MECHANISMS"] = "SCRAM-SHA-512"
        environment["KAFKA_SASL_PASSWORD"] = "pw"
        let configuration = try await WorkerConfiguration.load(environment: environment)
        #expect(configuration.kafka.properties == ["security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512", "sasl.password": "pw"])

        environment["KAFKA_PROPERTY_SASL_PASSWORD"] = "pw"
        await #expect(throws: ConfigurationError.self) { try await WorkerConfiguration.load(environment: environment) }
    }

    @Test("named tenants get their own URL, key and limits")
    func tenants() async throws {
        var environment = minimal
        environment["VLENS_TENANTS"] = "acme"
        environment["VLENS_TENANT_ACME_BASE_URL"] = "https://acme.vlens.example.com"
        environment["VLENS_TENANT_ACME_API_KEY"] = "acme-key"
        environment["VLENS_TENANT_ACME_RATE_LIMIT_RPM"] = "unlimited"
        let configuration = try await WorkerConfiguration.load(environment: environment)
        let acme = try #require(configuration.vlens.tenants["acme"])
        #expect(acme.baseURL.host == "acme.vlens.example.com")
        #expect(acme.apiKey == "acme-key")
        #expect(acme.rateLimit == RateLimit(perSecond: 10, perMinute: nil))

        environment["VLENS_TENANT_ACME_API_KEY"] = nil
        let error = try await #require(throws: ConfigurationError.self) {
            try await WorkerConfiguration.load(environment: environment)
        }
        #expect(error.problems.map(\.key) == ["VLENS_TENANT_ACME_API_KEY"])
    }
}
