import Foundation
import Kafka
import Logging
import Store
import Verification

/// Tells, for a capture record, what the worker will do with it: re-publish a stored result,
/// process it (call Vlens), or dead-letter it as invalid. Reads the worker's store (`STORE_URL`).
struct StoredResultClassifier: Sendable {
    enum Kind: Hashable, Sendable { case stored, pending, invalid }

    let store: any VerificationStore

    /// Runs `body` with a classifier over `STORE_URL` (the store running for as long as `body`
    /// does), or with nil when it is not set.
    static func withClassifier<T: Sendable>(_ body: @Sendable (StoredResultClassifier?) async throws -> T) async throws -> T {
        guard let url = ProcessInfo.processInfo.environment["STORE_URL"], !url.isEmpty else { return try await body(nil) }
        return try await OperatorStore.withStore(url: url) { try await body(StoredResultClassifier(store: $0)) }
    }

    func classify(_ record: KafkaRecord) async throws -> Kind {
        guard let capture = try? CaptureSubmitted.decode(record.value) else { return .invalid }
        return try await store.result(forCapture: capture.eventId) == nil ? .pending : .stored
    }
}
