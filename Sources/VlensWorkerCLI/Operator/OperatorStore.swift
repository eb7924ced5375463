import Logging
import Store

/// The worker's store for an operator command: running and migrated for as long as the body runs.
enum OperatorStore {
    static func withStore<T: Sendable>(url: String, _ body: @Sendable (any VerificationStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "vlens-worker.store")
        logger.logLevel = .error
        let store = try await StoreURL(url).makeStore(logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            return try await body(store)
        }
    }
}
