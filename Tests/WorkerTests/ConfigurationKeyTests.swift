import Foundation
import Prometheus
import Testing
import TestSupport
@testable import Worker
import Kafka
import Processing
import Observability
import WorkerSettings

@Suite("The worker describes its configuration and metrics")
struct ConfigurationKeyTests {
    private let minimal = [
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
        "VLENS_BASE_URL": "https://vlens.example.com",
        "VLENS_API_KEY": "key-123-secret",
    ]

    @Test("the README's configuration table is the catalog's (`vlens-worker config --keys --format markdown`)")
    func readmeTable() throws {
        let readme = try String(contentsOf: ContractFiles.root.appendingPathComponent("README.md"), encoding: .utf8)
        let table = ConfigurationKey.markdownTable()
        #expect(readme.contains(table), "regenerate it: vlens-worker config --keys --format markdown")
        #expect(Set(ConfigurationKey.all.map(\.key)).count == ConfigurationKey.all.count, "a key is listed twice")
    }

    @Test("setting every key to its listed default changes nothing")
    func defaultsAreTheLoadedOnes() async throws {
        var environment = minimal
        for entry in ConfigurationKey.all where !entry.key.contains("<") {
            guard let value = entry.defaultValue, value != "MAX_IN_FLIGHT" else { continue }
            environment[entry.key] = value
        }
        let listed = try await WorkerConfiguration.load(environment: environment)
        let unset = try await WorkerConfiguration.load(environment: minimal)
        #expect(listed.processing.maxInFlight == unset.processing.maxInFlight)
        #expect(listed.processing.drainTimeout == unset.processing.drainTimeout)
        #expect(listed.processing.shutdownMargin == unset.processing.shutdownMargin)
        #expect(listed.vlens.retry == unset.vlens.retry && listed.vlens.breaker == unset.vlens.breaker)
        #expect(listed.vlens.requestTimeout == unset.vlens.requestTimeout)
        #expect(listed.vlens.defaultTenant.rateLimit == unset.vlens.defaultTenant.rateLimit)
        #expect(listed.parking.maxAge == unset.parking.maxAge && listed.parking.maxBytesPerTenant == unset.parking.maxBytesPerTenant)
        #expect(listed.input.claimCheck.maxImageBytes == unset.input.claimCheck.maxImageBytes)
        #expect(listed.storeURL == unset.storeURL && listed.retention == unset.retention)
        #expect(listed.httpHost == unset.httpHost && listed.httpPort == unset.httpPort && listed.logLevel == unset.logLevel)
    }

    @Test("KAFKA_PROPERTY_* come from the config file too; the environment wins")
    func kafkaPropertiesFromFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID()).json")
        try Data(#"{"kafka": {"property": {"fetch": {"wait": {"max": {"ms": 50}}}, "client.id": "from-file", "socket": {"keepalive": {"enable": true}}}}}"#.utf8)
            .write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var environment = minimal
        environment["CONFIG_FILE"] = file.path
        environment["KAFKA_PROPERTY_CLIENT_ID"] = "from-env"
        let configuration = try await WorkerConfiguration.load(environment: environment)
        #expect(configuration.kafka.properties["fetch.wait.max.ms"] == "50")
        #expect(configuration.kafka.properties["socket.keepalive.enable"] == "true")
        #expect(configuration.kafka.properties["client.id"] == "from-env")
    }

    @Test("every listed metric is exported under its kind once recorded")
    func metricsCatalog() throws {
        #expect(Set(WorkerMetric.allCases.map(\.rawValue)).count == WorkerMetric.allCases.count)
        #expect(WorkerMetric.allCases.allSatisfy { $0.rawValue.hasPrefix("vlens_worker_") && !$0.help.isEmpty })
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        Self.recordEveryMetric(metrics)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        for metric in WorkerMetric.allCases {
            #expect(text.contains("# TYPE \(metric.rawValue) \(metric.kind.rawValue)"), "\(metric.rawValue) is not exported as a \(metric.kind)")
        }
    }

    @Test("a partition that left the engine (revoked) reads 0 commit lag, queued records and consumer lag, not its last load")
    func revokedPartitionGaugesReadZero() {
        let registry = PrometheusCollectorRegistry()
        let metrics = WorkerMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let kept = KafkaTopicPartition(topic: "captures", partition: 0)
        let revoked = KafkaTopicPartition(topic: "captures", partition: 1)
        var snapshot = ProcessingSnapshot(inFlightRecords: 2, runningRecords: 2, inFlightBytes: 2)
        for partition in [kept, revoked] {
            snapshot.partitions[partition] = .init(queuedRecords: 3, runningRecords: 1, commitLag: 7, committedOffset: 10, paused: false)
        }
        metrics.recordSnapshot(snapshot)
        for partition in [kept, revoked] { metrics.recordConsumerLag(partition: partition, lag: 40) }
        snapshot.partitions[revoked] = nil
        metrics.recordSnapshot(snapshot)
        // Statistics may still list the revoked partition with its last lag.
        for partition in [kept, revoked] { metrics.recordConsumerLag(partition: partition, lag: 41) }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n")
        func value(_ metric: WorkerMetric, _ partition: Int32) -> Double? {
            lines.first { $0.hasPrefix(metric.rawValue + "{") && $0.contains("partition=\"\(partition)\"") }?
                .split(separator: " ").last.flatMap { Double($0) }
        }
        #expect(value(.commitLag, 0) == 7 && value(.queuedRecords, 0) == 3 && value(.consumerLag, 0) == 41, "\(lines)")
        #expect(value(.commitLag, 1) == 0 && value(.queuedRecords, 1) == 0 && value(.consumerLag, 1) == 0, "\(lines)")
    }

    /// One call of each recorder, so every metric exists in the registry.
    private static func recordEveryMetric(_ metrics: WorkerMetrics) {
        let partition = KafkaTopicPartition(topic: "captures", partition: 0)
        metrics.recordConsumed()
        metrics.recordStoreReachable(true)
        metrics.recordResult(step: "id_front", outcome: "succeeded")
        metrics.recordVerdict(status: "pending", reason: "in_progress")
        metrics.recordRepublished(step: "id_front")
        metrics.recordDeadLetter(reason: "invalid")
        metrics.recordDeadLetterValueLimit(bytes: 1_000_000)
        metrics.recordVlensRequest(step: "id_front", statusClass: "2xx", duration: .milliseconds(5))
        metrics.recordRetry(step: "id_front", code: "timeout")
        metrics.recordUncertainRepeat(step: "id_front")
        metrics.recordBreaker(tenant: "default", open: true)
        metrics.recordRateLimiterWait(tenant: "default", duration: .milliseconds(1))
        metrics.recordRateShare(tenant: "default", share: 0.5)
        metrics.recordRateLimited(tenant: "default")
        metrics.recordStore(operation: "lookup", duration: .milliseconds(1))
        metrics.recordPurged(table: "capture_results", rows: 1)
        metrics.recordUnownedPartitions(0)
        metrics.recordRebalance(assignedPartitions: 1)
        metrics.recordParked(tenant: "default", reason: "breaker_open")
        metrics.recordParkRetry(tenant: "default", reason: "breaker_open")
        metrics.recordResumed(tenant: "default", reason: "breaker_open", parkedFor: 1)
        metrics.recordParkingFull(tenant: "default")
        metrics.recordParkedNow(tenant: "default", reason: "breaker_open", count: 1, bytes: 1)
        metrics.recordOldestParked(ageSeconds: 1)
        metrics.recordParkExpired(tenant: "default")
        var snapshot = ProcessingSnapshot(inFlightRecords: 1, runningRecords: 1, inFlightBytes: 1)
        snapshot.partitions[partition] = .init(queuedRecords: 0, runningRecords: 1, commitLag: 1, committedOffset: nil, paused: false)
        metrics.recordSnapshot(snapshot)
        // After the snapshot: lag is recorded for partitions the engine holds.
        metrics.recordConsumerLag(partition: partition, lag: 0)
        metrics.recordHandlerLatency(.milliseconds(1), partition: partition, succeeded: true)
    }
}
