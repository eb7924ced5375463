import Foundation
import Logging
import PostgresNIO
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
        let serverURL = try TestEnvironment.postgresURL()
        let database = "store_" + UUID().uuidString.prefix(8).lowercased()
        try await administer(serverURL) { try await $0.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(database)")) }
        let drop: @Sendable () async -> Void = {
            try? await administer(serverURL) { try await $0.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")) }
        }
        do {
            var components = URLComponents(string: serverURL)
            components?.path = "/\(database)"
            let url = try StoreURL(components?.string ?? serverURL)
            let store = try await url.makeStore(logger: logger)
            let value = try await running(store) { try await body($0, url) }
            await drop()
            return value
        } catch {
            await drop()
            throw error
        }
    }
}

/// Runs the store's background work around `body`, migrating first.
func running<T: Sendable>(_ store: any VerificationStore, _ body: @Sendable (any VerificationStore) async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await store.run(); return nil }
        defer { group.cancelAll() }
        try await store.migrate()
        return try await body(store)
    }
}

/// Runs `body` with a client connected to the server's `postgres` database.
private func administer(_ serverURL: String, _ body: @Sendable (PostgresClient) async throws -> Void) async throws {
    guard let components = URLComponents(string: serverURL), let host = components.host else {
        throw StoreError(code: .invalidURL, message: "POSTGRES_URL is not a URL")
    }
    let client = PostgresClient(
        configuration: .init(host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password, database: "postgres", tls: .disable),
        backgroundLogger: Logger(label: "store-tests-admin")
    )
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        try await body(client)
    }
}
