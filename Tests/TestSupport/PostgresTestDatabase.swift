import Foundation
import Logging
import PostgresNIO

/// A database of its own on the test PostgreSQL server, created for one test and dropped after.
public enum PostgresTestDatabase {
    /// Creates a fresh database, runs `body` with its `postgres://` URL, then drops it.
    public static func withFresh<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let serverURL = try TestEnvironment.postgresURL()
        let database = "test_" + UUID().uuidString.prefix(8).lowercased()
        try await administer(serverURL, "CREATE DATABASE \(database)")
        var components = URLComponents(string: serverURL)
        components?.path = "/\(database)"
        let url = components?.string ?? serverURL
        do {
            let value = try await body(url)
            try? await administer(serverURL, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
            return value
        } catch {
            try? await administer(serverURL, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)")
            throw error
        }
    }

    /// Runs one statement against the server's `postgres` database.
    private static func administer(_ serverURL: String, _ sql: String) async throws {
        guard let components = URLComponents(string: serverURL), let host = components.host else {
            throw TestEnvironment.MissingService(variable: "POSTGRES_URL", service: "PostgreSQL server (the URL does not parse)")
        }
        let client = PostgresClient(
            configuration: .init(
                host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
                password: components.password, database: "postgres", tls: .disable
            ),
            backgroundLogger: Logger(label: "postgres-test-database")
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await client.query(PostgresQuery(unsafeSQL: sql))
        }
    }
}
