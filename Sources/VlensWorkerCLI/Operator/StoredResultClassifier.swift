import Foundation
import Kafka
import Logging
import Store
import Verification

/// Tells, for a capture record, what the worker will do with it: re-publish a stored result,
/// process it (call Vlens), or dead-letter it as invalid. Reads the worker's store (`STORE_URL`).
final class StoredResultClassifier: Sendable {
    enum Kind: Hashable, Sendable { case stored, pending, invalid }

    private let store: any VerificationStore
    private let runner: Task<Void, any Error>

    private init(store: any VerificationStore) {
        self.store = store
        self.runner = Task { try await store.run() }
    }

    /// A classifier over `STORE_URL`, or nil when it is not set.
    static func fromEnvironment() async throws -> StoredResultClassifier? {
        guard let url = ProcessInfo.processInfo.environment["STORE_URL"], !url.isEmpty else { return nil }
        var logger = Logger(label: "vlens-worker.store")
        logger.logLevel = .error
        let classifier = StoredResultClassifier(store: try await StoreURL(url).makeStore(logger: logger))
        try await classifier.store.migrate()
        return classifier
    }

    func classify(_ record: KafkaRecord) async throws -> Kind {
        guard let capture = try? CaptureSubmitted.decode(record.value) else { return .invalid }
        return try await store.result(forCapture: capture.eventId) == nil ? .pending : .stored
    }

    func close() async throws {
        runner.cancel()
        _ = await runner.result
    }
}
