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

    /// Holds the advisory lock `pg_advisory_lock(hashtextextended(key, 0))` in the database at
    /// `databaseURL` from a session of its own while `body` runs, as another instance in the middle of
    /// a transaction on the same lock would.
    public static func holdingAdvisoryLock<T: Sendable>(_ databaseURL: String, key: String, _ body: @Sendable () async throws -> T) async throws -> T {
        let (serverURL, database) = try serverAndDatabase(databaseURL)
        return try await withConnection(serverURL, database: database) { connection in
            let logger = Logger(label: "postgres-test-database")
            try await connection.query("SELECT pg_advisory_lock(hashtextextended(\(key), 0))", logger: logger)
            do {
                let value = try await body()
                try await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger)
                throw error
            }
        }
    }

    /// The first column of `sql`'s rows, as text (cast it in the query), in the database at `databaseURL`.
    public static func column(_ databaseURL: String, _ sql: String) async throws -> [String] {
        let (serverURL, database) = try serverAndDatabase(databaseURL)
        return try await withConnection(serverURL, database: database) { connection in
            var values: [String] = []
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "postgres-test-database")).decode(String.self) {
                values.append(value)
            }
            return values
        }
    }

    /// Runs one statement against the server's `postgres` database.
    private static func administer(_ serverURL: String, _ sql: String) async throws {
        try await withConnection(serverURL, database: "postgres") { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "postgres-test-database"))
        }
    }

    /// Runs `body` with a connection of its own (no pool) to `database` on the server at `serverURL`.
    private static func withConnection<T: Sendable>(_ serverURL: String, database: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        guard let components = URLComponents(string: serverURL), let host = components.host else {
            throw TestEnvironment.MissingService(variable: "POSTGRES_URL", service: "PostgreSQL server (the URL does not parse)")
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database, tls: .disable
        )
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "postgres-test-database"))
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
