import Foundation
import Logging
import NIOCore
import PostgresNIO
import SerialAccess

/// The shared store for several worker instances: PostgreSQL through a connection pool.
public final class PostgresVerificationStore: VerificationStore {
    /// Key of the advisory lock that serialises schema migrations across instances.
    private static let migrationLockKey: Int64 = 0x766C_656E_735F_7731  // "vlens_w1"

    let client: PostgresClient
    let logger: Logger
    /// Opens when ``run()`` starts the pool: ``migrate()``, the first call, waits for it, so the
    /// pool is never asked for a connection before it runs (PostgresNIO warns of that, and waits).
    private let poolStarted = OneTimeGate()
    /// Bounds each operation: PostgresNIO waits without limit for a connection while the server
    /// refuses them, and a statement on a connection the server terminated has been seen never to
    /// return. An operation past it fails as retryable (``StoreError/Code/unavailable``).
    let deadlines = OperationDeadlines(timeout: .seconds(15))

    /// Creates a store for `url` (a `postgres://` store URL). Call ``run()`` before using it.
    public init(url: StoreURL, maximumConnections: Int = 20, logger: Logger) throws {
        guard case .postgres(let location) = url.kind else {
            throw StoreError(code: .invalidURL, message: "PostgresVerificationStore needs a postgres:// URL")
        }
        var configuration = PostgresClient.Configuration(
            host: location.host,
            port: location.port,
            username: location.username,
            password: location.password,
            database: location.database,
            tls: location.requireTLS ? .require(.makeClientConfiguration()) : .disable
        )
        configuration.options.maximumConnections = maximumConnections
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    public func run() async throws {
        poolStarted.open()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.deadlines.watch() }
            await client.run()
            group.cancelAll()
        }
    }

    public func migrate() async throws {
        try await poolStarted.wait()
        // Reaching the server first, bounded as every operation: without a bound, a server that refuses
        // connections at start-up would hold the worker silently (PostgresNIO waits for a connection).
        try await ping()
        do {
            // The migration itself much longer: it may wait for another instance's, or crawl on a loaded server
            // (a bound it cannot meet under load would fail every attempt anew).
            try await deadlines.run(within: Self.migrationLimit) { [client, logger] in try await Self.migrate(client, logger: logger) }
        } catch let error as StoreError {
            throw error
        } catch let exceeded as OperationDeadlines.Exceeded {
            throw StoreError(code: .unavailable, message: "PostgreSQL: \(exceeded)", isRetryable: true)
        } catch {
            throw StoreError(code: .migration, message: "PostgreSQL migration failed: \(Self.describe(error))", isRetryable: true)
        }
    }

    /// The longest one migration attempt may take once the server answered.
    static let migrationLimit: Duration = .seconds(300)

    private static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, summary TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger
            )
            var current = 0
            for try await version in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", logger: logger).decode(Int.self) {
                current = version
            }
            guard current <= SchemaMigration.latestVersion else {
                throw StoreError(code: .migration, message: "the PostgreSQL store has schema version \(current), newer than this build's \(SchemaMigration.latestVersion); upgrade the worker")
            }
            for migration in SchemaMigration.all where migration.version > current {
                for statement in migration.postgres {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, summary) VALUES (\(migration.version), \(migration.summary))",
                    logger: logger
                )
                logger.info("store migrated", metadata: [StoreLoggingKeys.schemaVersion: "\(migration.version)"])
            }
        }
    }

    public func ping() async throws {
        try await poolStarted.wait()
        try await bounded { [self] in _ = try await client.query("SELECT 1", logger: logger) }
    }

    public func result(forCapture captureEventID: String) async throws -> StoredResult? {
        try await bounded { [self] in
            let rows = try await client.query(
                "SELECT transaction_id, step, result, completed_at FROM capture_results WHERE capture_event_id = \(captureEventID)",
                logger: logger
            )
            for try await (transactionID, step, result, completedAt) in rows.decode((String, String, ByteBuffer, Date).self) {
                return StoredResult(captureEventID: captureEventID, transactionID: transactionID, step: step, result: Array(result.readableBytesView), completedAt: completedAt)
            }
            return nil
        }
    }

    public func transactionState(_ transactionID: String) async throws -> [UInt8]? {
        try await bounded { [self] in
            let rows = try await client.query("SELECT state FROM transaction_states WHERE transaction_id = \(transactionID)", logger: logger)
            for try await state in rows.decode(ByteBuffer.self) {
                return Array(state.readableBytesView)
            }
            return nil
        }
    }

    public func lookUp(_ capture: CaptureKey) async throws -> CaptureLookup {
        try await bounded { [self] in
            let rows = try await client.query(
                """
                SELECT 0, transaction_id, step, result, completed_at FROM capture_results WHERE capture_event_id = \(capture.captureEventID)
                UNION ALL
                SELECT 1, NULL, NULL, state, NULL FROM transaction_states WHERE transaction_id = \(capture.transactionID)
                """,
                logger: logger
            )
            var lookup = CaptureLookup()
            for try await (kind, transactionID, step, payload, completedAt) in rows.decode((Int, String?, String?, ByteBuffer, Date?).self) {
                if kind == 0 {
                    lookup.result = StoredResult(
                        captureEventID: capture.captureEventID, transactionID: transactionID ?? "", step: step ?? "",
                        result: Array(payload.readableBytesView), completedAt: completedAt ?? Date(timeIntervalSince1970: 0)
                    )
                } else {
                    lookup.transactionState = Array(payload.readableBytesView)
                }
            }
            return lookup
        }
    }

    public func beginCall(_ capture: CaptureKey, owner: String, at date: Date, takingOverBefore cutoff: Date) async throws -> CallStart {
        try await bounded { [self] in
            // Another worker may end or replace the live marker between the two statements: try again.
            for _ in 0..<3 {
                // One statement: the upsert keeps the attempt it replaces in previous_*, and returns it,
                // unless the marker is another owner's and started at or after the cutoff (no row then),
                // or the result is stored by now (a worker completed the capture since it was looked up).
                let rows = try await client.query(
                    """
                    INSERT INTO in_flight_calls (capture_event_id, transaction_id, step, owner, started_at, attempts)
                    SELECT \(capture.captureEventID), \(capture.transactionID), \(capture.step), \(owner), \(date), 1
                    WHERE NOT EXISTS (SELECT 1 FROM capture_results WHERE capture_event_id = \(capture.captureEventID))
                    ON CONFLICT (capture_event_id) DO UPDATE SET
                        previous_owner = in_flight_calls.owner, previous_started_at = in_flight_calls.started_at,
                        owner = excluded.owner, started_at = excluded.started_at, attempts = in_flight_calls.attempts + 1
                    WHERE in_flight_calls.owner = excluded.owner OR in_flight_calls.started_at < \(cutoff)
                    RETURNING attempts, previous_owner, previous_started_at
                    """,
                    logger: logger
                )
                var start: CallStart?
                for try await (attempts, previousOwner, previousStartedAt) in rows.decode((Int, String?, Date?).self) {
                    start = .started(previous: attempts > 1
                        ? InFlightMarker(capture: capture, owner: previousOwner ?? "", startedAt: previousStartedAt ?? Date(timeIntervalSince1970: 0), attempts: attempts - 1)
                        : nil)
                }
                if let start { return start }
                let stored = try await client.query("SELECT 1 FROM capture_results WHERE capture_event_id = \(capture.captureEventID)", logger: logger)
                for try await _ in stored.decode(Int.self) { return .completed }
                let live = try await client.query(
                    "SELECT owner, started_at, attempts FROM in_flight_calls WHERE capture_event_id = \(capture.captureEventID)", logger: logger)
                for try await (liveOwner, startedAt, attempts) in live.decode((String, Date, Int).self) {
                    return .heldElsewhere(InFlightMarker(capture: capture, owner: liveOwner, startedAt: startedAt, attempts: attempts))
                }
            }
            throw StoreError(code: .query, message: "the in-flight marker kept changing while a call was being marked", isRetryable: true)
        }
    }

    public func complete(_ capture: CaptureKey, result: [UInt8], transactionState: [UInt8]?, at date: Date) async throws -> StoredResult {
        try await bounded { [self] in
            let resultBuffer = ByteBuffer(bytes: result)
            let stateBuffer = transactionState.map { ByteBuffer(bytes: $0) }
            // One statement, so one round trip and its own transaction: the result is inserted unless one
            // is stored, the marker cleared, and the state written only with a result that was inserted.
            let rows = try await client.query(
                """
                WITH inserted AS (
                    INSERT INTO capture_results (capture_event_id, transaction_id, step, result, completed_at)
                    VALUES (\(capture.captureEventID), \(capture.transactionID), \(capture.step), \(resultBuffer), \(date))
                    ON CONFLICT (capture_event_id) DO NOTHING
                    RETURNING capture_event_id
                ), cleared AS (
                    DELETE FROM in_flight_calls WHERE capture_event_id = \(capture.captureEventID)
                ), saved AS (
                    INSERT INTO transaction_states (transaction_id, state, updated_at)
                    SELECT \(capture.transactionID), \(stateBuffer), \(date) FROM inserted WHERE \(stateBuffer)::BYTEA IS NOT NULL
                    ON CONFLICT (transaction_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
                )
                SELECT count(*) FROM inserted
                """,
                logger: logger
            )
            var inserted = false
            for try await count in rows.decode(Int.self) { inserted = count == 1 }
            guard inserted else {
                // Stored before (a replay or another writer): that result is the canonical one.
                guard let existing = try await self.result(forCapture: capture.captureEventID) else {
                    throw StoreError(code: .corrupt, message: "a capture result vanished during completion (a retention purge or a redrive at the same moment)", isRetryable: true)
                }
                return existing
            }
            return StoredResult(captureEventID: capture.captureEventID, transactionID: capture.transactionID, step: capture.step, result: result, completedAt: date)
        }
    }

    public func renewCall(_ capture: CaptureKey, owner: String, at date: Date) async throws -> Bool {
        try await bounded { [self] in
            let rows = try await client.query(
                "UPDATE in_flight_calls SET started_at = \(date) WHERE capture_event_id = \(capture.captureEventID) AND owner = \(owner) RETURNING 1",
                logger: logger)
            for try await _ in rows.decode(Int.self) { return true }
            return false
        }
    }

    public func endCall(_ capture: CaptureKey, owner: String) async throws {
        try await bounded { [self] in
            try await client.query("DELETE FROM in_flight_calls WHERE capture_event_id = \(capture.captureEventID) AND owner = \(owner)", logger: logger)
        }
    }

    public func inFlightMarkers() async throws -> [InFlightMarker] {
        try await bounded { [self] in
            let rows = try await client.query(
                "SELECT capture_event_id, transaction_id, step, owner, started_at, attempts FROM in_flight_calls ORDER BY started_at",
                logger: logger
            )
            var markers: [InFlightMarker] = []
            for try await (eventID, transactionID, step, owner, startedAt, attempts) in rows.decode((String, String, String, String, Date, Int).self) {
                markers.append(InFlightMarker(
                    capture: CaptureKey(captureEventID: eventID, transactionID: transactionID, step: step),
                    owner: owner, startedAt: startedAt, attempts: attempts
                ))
            }
            return markers
        }
    }

    public func purge(before date: Date, limit: Int) async throws -> StorePurge {
        try await bounded { [self] in
            func delete(_ table: String, _ column: String) async throws -> Int {
                // Table and column names are this function's constants, never input.
                var binds = PostgresBindings()
                binds.append(date)
                binds.append(limit)
                let query = PostgresQuery(
                    unsafeSQL: "DELETE FROM \(table) WHERE ctid IN (SELECT ctid FROM \(table) WHERE \(column) < $1 LIMIT $2) RETURNING 1",
                    binds: binds
                )
                return try await client.query(query, logger: logger).collect().count
            }
            return StorePurge(
                results: try await delete("capture_results", "completed_at"),
                transactionStates: try await delete("transaction_states", "updated_at"),
                inFlightMarkers: try await delete("in_flight_calls", "started_at"),
                ownershipReports: try await delete("partition_owners", "seen_at")
            )
        }
    }

    public func discardResult(forCapture captureEventID: String) async throws -> Bool {
        try await bounded { [self] in
            try await client.query("DELETE FROM capture_results WHERE capture_event_id = \(captureEventID) RETURNING capture_event_id", logger: logger).collect().count > 0
        }
    }

    public func reportOwnership(_ ownership: PartitionOwnership, at date: Date, forgetBefore: Date) async throws {
        let partitions = ownership.encodedPartitions
        try await bounded { [self] in
            try await client.query(
                """
                INSERT INTO partition_owners (group_id, topic, instance_id, partitions, seen_at)
                VALUES (\(ownership.group), \(ownership.topic), \(ownership.instance), \(partitions), \(date))
                ON CONFLICT (group_id, topic, instance_id) DO UPDATE SET partitions = excluded.partitions, seen_at = excluded.seen_at
                """,
                logger: logger
            )
            try await client.query("DELETE FROM partition_owners WHERE seen_at < \(forgetBefore)", logger: logger)
        }
    }

    public func partitionOwners(group: String, topic: String, since: Date) async throws -> [PartitionOwnership] {
        try await bounded { [self] in
            let rows = try await client.query(
                "SELECT instance_id, partitions FROM partition_owners WHERE group_id = \(group) AND topic = \(topic) AND seen_at >= \(since) ORDER BY instance_id",
                logger: logger
            )
            var owners: [PartitionOwnership] = []
            for try await (instance, partitions) in rows.decode((String, String).self) {
                owners.append(PartitionOwnership(group: group, topic: topic, instance: instance, partitions: PartitionOwnership.decodePartitions(partitions)))
            }
            return owners
        }
    }

    /// Runs one operation within ``deadlines`` (``mapErrors(_:)`` for its errors).
    func bounded<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await mapErrors { try await self.deadlines.run(body) }
        } catch let exceeded as OperationDeadlines.Exceeded {
            throw StoreError(code: .unavailable, message: "PostgreSQL: \(exceeded)", isRetryable: true)
        }
    }

    /// Errors other than ``StoreError`` become retryable ones, described without bind values.
    func mapErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch let exceeded as OperationDeadlines.Exceeded {
            throw exceeded
        } catch {
            throw StoreError(code: .query, message: "PostgreSQL statement failed: \(Self.describe(error))", isRetryable: true)
        }
    }

    /// The server's SQLSTATE and message, or the error's kind: never the query's bind values,
    /// which carry stored results.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: type(of: error)) }
        if let serverInfo = error.serverInfo {
            return "SQLSTATE \(serverInfo[.sqlState] ?? "?"): \(serverInfo[.message] ?? "")"
        }
        return "\(error.code)"
    }
}
