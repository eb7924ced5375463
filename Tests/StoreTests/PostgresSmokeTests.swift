import Foundation
import Logging
import PostgresNIO
import Store
import TestSupport
import Testing

@Suite("PostgreSQL smoke test")
struct PostgresSmokeTests {
    @Test("the test server answers a query", .timeLimit(.minutes(1)))
    func selectOne() async throws {
        let url = try TestEnvironment.postgresURL()
        let configuration = try #require(PostgresTestURL(url)).configuration
        let client = PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "postgres-smoke"))

        let answer = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask { await client.run(); return nil }
            let rows = try await client.query("SELECT 41 + 1 AS answer")
            var answer: Int?
            for try await value in rows.decode(Int.self) { answer = value }
            group.cancelAll()
            return answer
        }
        #expect(answer == 42)
    }

    @Test("the store's first call waits for its pool to run: no PostgresNIO warning at start-up", .timeLimit(.minutes(1)))
    func firstCallWaitsForThePool() async throws {
        let logs = CapturedLogs()
        let logger = Logger(label: "postgres-start") { _ in CapturingLogHandler(store: logs) }
        try await PostgresTestDatabase.withFresh { databaseURL in
            let store = try await StoreURL(databaseURL).makeStore(logger: logger)
            // As the worker starts it: the pool's task is added, then the migration asks at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                try await migrateAsTheWorkerDoes(store)
            }
        }
        let early = logs.entries.filter { $0.message.contains("hasn't been called yet") }
        #expect(early.isEmpty, "\(early.map(\.message))")
    }
}

/// Parses the `postgres://user[:password]@host:port/database` URL that `scripts/services` prints.
struct PostgresTestURL {
    let configuration: PostgresClient.Configuration

    init?(_ string: String) {
        guard let components = URLComponents(string: string), let host = components.host else { return nil }
        let database = components.path.isEmpty ? "postgres" : String(components.path.dropFirst())
        configuration = PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password,
            database: database,
            tls: .disable
        )
    }
}
