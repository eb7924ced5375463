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

    /// Every section, then the settings that span sections; nil when a required section is missing.
    private static func parse(_ source: inout ConfigSource) -> WorkerConfiguration? {
        let kafka = Kafka(reading: &source)
        let vlens = Vlens.read(from: &source)
        let processing = Processing(reading: &source)
        let parking = ParkingPolicy(reading: &source)
        let flow = FlowPolicy(reading: &source)
        let input = Input(reading: &source)
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

        let tracing = Tracing(reading: &source)

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



}
