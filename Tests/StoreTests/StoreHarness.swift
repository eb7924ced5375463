import Foundation
import Logging
import Store
import TestSupport
import Testing

/// Which real database engine a store test runs against.
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Opens a fresh, migrated store on a real engine — a new SQLite file, or a new database on the
/// test PostgreSQL server — runs `body`, and tears everything down.
func withFreshStore<T: Sendable>(
    _ engine: StoreEngine,
    _ body: @Sendable (any VerificationStore, StoreURL) async throws -> T
) async throws -> T {
    let logger = Logger(label: "store-tests")
    switch engine {
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = try StoreURL("sqlite:\(directory.appendingPathComponent("nested/store.sqlite").path)")
        let store = try await url.makeStore(logger: logger)
        return try await running(store) { try await body($0, url) }
    case .postgres:
        return try await PostgresTestDatabase.withFresh { databaseURL in
            let url = try StoreURL(databaseURL)
            let store = try await url.makeStore(logger: logger)
            return try await running(store) { try await body($0, url) }
        }
    }
}

/// Runs the store's background work around `body`, migrating first.
func running<T: Sendable>(_ store: any VerificationStore, _ body: @Sendable (any VerificationStore) async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await store.run(); return nil }
        defer { group.cancelAll() }
        try await migrateAsTheWorkerDoes(store)
        return try await body(store)
    }
}

/// Migrates `store`, trying again while it fails as retryable (an unreachable or overloaded server),
/// for up to `limit`, as the worker's start-up does.
func migrateAsTheWorkerDoes(_ store: any VerificationStore, limit: Duration = .seconds(150)) async throws {
    let deadline = ContinuousClock.now + limit
    while true {
        do {
            return try await store.migrate()
        } catch let error as StoreError where error.isRetryable && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
