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

    /// Takes the database at `databaseURL` away as a server restart or a failover would: new
    /// connections to it are refused and its open ones terminated, until ``reopen(_:)``. Other
    /// databases on the server (other tests') are untouched.
    public static func cutOff(_ databaseURL: String) async throws {
        let (serverURL, database) = try serverAndDatabase(databaseURL)
        try await administer(serverURL, "ALTER DATABASE \(database) ALLOW_CONNECTIONS false")
        try await administer(serverURL, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)'")
    }

    /// Accepts connections to the database at `databaseURL` again (after ``cutOff(_:)``).
    public static func reopen(_ databaseURL: String) async throws {
        let (serverURL, database) = try serverAndDatabase(databaseURL)
        try await administer(serverURL, "ALTER DATABASE \(database) ALLOW_CONNECTIONS true")
    }

    /// The server's URL (its `postgres` database) and the database name of a test database's URL.
    private static func serverAndDatabase(_ databaseURL: String) throws -> (server: String, database: String) {
        guard var components = URLComponents(string: databaseURL),
            case let database = String(components.path.dropFirst()),
            database.hasPrefix("test_"), database.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
        else { throw NotATestDatabase() }
        components.path = "/postgres"
        return (components.string ?? databaseURL, database)
    }

    /// Thrown for a URL that is not one of a database ``withFresh(_:)`` created.
    public struct NotATestDatabase: Error, CustomStringConvertible {
        public var description: String { "not the URL of a database PostgresTestDatabase.withFresh created" }
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
