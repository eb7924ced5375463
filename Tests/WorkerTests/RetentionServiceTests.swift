import Foundation
import Logging
import Prometheus
import Store
import Testing
@testable import Worker
import Observability

@Suite("Retention of stored personal data")
struct RetentionServiceTests {
    @Test("a purge run deletes everything past RETENTION_DAYS batch by batch, keeps the rest, and counts the rows")
    func purgesInBatches() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteVerificationStore.open(path: directory.appendingPathComponent("store.sqlite").path, logger: Logger(label: "retention"))
        try await store.migrate()
        let now = Date()
        for index in 0..<25 {
            let key = CaptureKey(captureEventID: "old-\(index)", transactionID: "txn-\(index)", step: "id_front")
            _ = try await store.complete(key, result: [1], transactionState: [2], at: now.addingTimeInterval(-8 * 86_400))
        }
        let recent = CaptureKey(captureEventID: "recent", transactionID: "txn-recent", step: "id_front")
        _ = try await store.complete(recent, result: [3], transactionState: [4], at: now.addingTimeInterval(-6 * 86_400))

        let registry = PrometheusCollectorRegistry()
        var service = RetentionService(store: store, retention: .seconds(7 * 86_400), metrics: WorkerMetrics(factory: PrometheusMetricsFactory(registry: registry)), logger: Logger(label: "retention"))
        service.batchSize = 10
        let purged = await service.purgeOnce(now: now)
        #expect(purged == StorePurge(results: 25, transactionStates: 25))
        #expect(try await store.result(forCapture: "old-24") == nil)
        #expect(try await store.result(forCapture: "recent") != nil, "six days old is within a seven-day retention")
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let metrics = String(decoding: buffer, as: UTF8.self)
        #expect(metrics.contains(#"vlens_worker_retention_purged_rows_total{table="capture_results"} 25"#))
        try await store.close()
    }
}
