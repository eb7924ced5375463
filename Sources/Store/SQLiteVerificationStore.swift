import Foundation
import Logging
import NIOCore
import SQLiteNIO

/// The embedded store: one SQLite file in WAL mode, for a single worker instance.
public final class SQLiteVerificationStore: VerificationStore {
    let handle: SQLiteHandle
    private let path: String
    private let logger: Logger
    /// How long a statement keeps trying while another connection holds the database's lock.
    private static let busyLimit: Duration = .seconds(5)

    /// How often ``run()`` looks at the WAL's size.
    private static let checkpointInterval: Duration = .seconds(1)
    /// The WAL size from which ``run()`` moves its pages into the database file (SQLite's own
    /// automatic checkpoint is at 1000 pages, about as much).
    static let checkpointWALBytes = 4 << 20

    private init(handle: SQLiteHandle, path: String, logger: Logger) {
        self.handle = handle
        self.path = path
        self.logger = logger
    }

    /// Opens (creating if needed) the database file at `path`, and its directory.
    public static func open(path: String, logger: Logger) async throws -> SQLiteVerificationStore {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(code: .unavailable, message: "cannot create the directory of the SQLite store \(path): \(error.localizedDescription)")
        }
        let handle: SQLiteHandle
        do {
            handle = try SQLiteHandle(path: path)
        } catch {
            throw StoreError(code: .unavailable, message: "cannot open the SQLite store \(path): \(error)")
        }
        let store = SQLiteVerificationStore(handle: handle, path: path, logger: logger)
        do {
            // Other connections to the same file may hold a lock right now: `access` waits for them.
            try await store.access { db in
                try db.execute("PRAGMA journal_mode=WAL")
                try db.execute("PRAGMA synchronous=NORMAL")
                // Deleted rows (retention) are overwritten, not left in free pages of the file.
                try db.execute("PRAGMA secure_delete=ON")
            }
        } catch {
            handle.close()
            throw StoreError(code: .unavailable, message: "cannot prepare the SQLite store \(path): \(error)", isRetryable: true)
        }
        return store
    }

    /// Closes the database.
    public func close() async throws {
        handle.close()
    }

    /// Checkpoints the WAL from a connection of its own, on NIO's thread pool, whenever it has
    /// grown past ``checkpointWALBytes`` (looked at every second), until cancelled; then closes the
    /// database. Statements run on the callers' threads, and SQLite's automatic checkpoint (inside
    /// a commit) syncs the files to disk: it must not run there. The first commit after a
    /// checkpoint still syncs the WAL's header in place, so checkpoints are kept rare. Without
    /// `run()` the automatic checkpoint stays on.
    public func run() async throws {
        let checkpoints = try? SQLiteHandle(path: path)
        if checkpoints != nil { try? await access { try $0.execute("PRAGMA wal_autocheckpoint=0") } }
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.checkpointInterval)
            guard let checkpoints, !Task.isCancelled, walBytes >= Self.checkpointWALBytes else { continue }
            do {
                _ = try await NIOThreadPool.singleton.runIfActive { try checkpoints.run("PRAGMA wal_checkpoint(PASSIVE)", []) }
            } catch {
                logger.warning("SQLite checkpoint failed; retrying", metadata: [StoreLoggingKeys.error: "\(error)"])
            }
        }
        checkpoints?.close()
        handle.close()
    }

    /// The size of the WAL file (0 when there is none).
    private var walBytes: Int {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int) ?? 0
    }

    public func migrate() async throws {
        try await access { db in
            try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, summary TEXT NOT NULL, applied_at REAL NOT NULL)")
            let rows = try db.query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations", [])
            let current = Int(rows.first?.column("version")?.integer ?? 0)
            guard current <= SchemaMigration.latestVersion else {
                throw StoreError(code: .migration, message: "the SQLite store has schema version \(current), newer than this build's \(SchemaMigration.latestVersion); upgrade the worker")
            }
            for migration in SchemaMigration.all where migration.version > current {
                try db.transaction {
                    for statement in migration.sqlite { try db.execute(statement) }
                    try db.execute(
                        "INSERT INTO schema_migrations (version, summary, applied_at) VALUES (?, ?, ?)",
                        [.integer(migration.version), .text(migration.summary), .float(Date().timeIntervalSince1970)]
                    )
                }
                logger.info("store migrated", metadata: [StoreLoggingKeys.schemaVersion: "\(migration.version)"])
            }
        }
    }

    public func ping() async throws {
        try await access { try $0.execute("SELECT 1") }
    }

    public func result(forCapture captureEventID: String) async throws -> StoredResult? {
        try await access { db in
            try Self.fetchResult(db, captureEventID)
        }
    }

    public func transactionState(_ transactionID: String) async throws -> [UInt8]? {
        try await access { db in
            let rows = try db.query("SELECT state FROM transaction_states WHERE transaction_id = ?", [.text(transactionID)])
            return rows.first?.column("state")?.blob.map { Array($0.readableBytesView) }
        }
    }

    public func lookUp(_ capture: CaptureKey) async throws -> CaptureLookup {
        try await access { db in
            let rows = try db.query(
                """
                SELECT 0 AS kind, transaction_id, step, result AS payload, completed_at FROM capture_results WHERE capture_event_id = ?
                UNION ALL
                SELECT 1, NULL, NULL, state, NULL FROM transaction_states WHERE transaction_id = ?
                """,
                [.text(capture.captureEventID), .text(capture.transactionID)]
            )
            var lookup = CaptureLookup()
            for row in rows {
                guard let payload = row.column("payload")?.blob else {
                    throw StoreError(code: .corrupt, message: "a stored capture result or transaction state has no payload")
                }
                if row.column("kind")?.integer == 0 {
                    lookup.result = StoredResult(
                        captureEventID: capture.captureEventID,
                        transactionID: row.column("transaction_id")?.string ?? "",
                        step: row.column("step")?.string ?? "",
                        result: Array(payload.readableBytesView),
                        completedAt: Date(timeIntervalSince1970: row.column("completed_at")?.double ?? 0)
                    )
                } else {
                    lookup.transactionState = Array(payload.readableBytesView)
                }
            }
            return lookup
        }
    }

    public func beginCall(_ capture: CaptureKey, owner: String, at date: Date, takingOverBefore cutoff: Date) async throws -> CallStart {
        try await access { db in
            // Another process may end or replace the live marker between the two statements: try again.
            for _ in 0..<3 {
                // One statement: the upsert keeps the attempt it replaces in previous_*, and returns it,
                // unless the marker is another owner's and started at or after the cutoff (no row then).
                // Nor when the result is stored by now: a worker that completed the capture since it was
                // looked up deleted its marker, and calling again would repeat its call.
                let rows = try db.query(
                    """
                    INSERT INTO in_flight_calls (capture_event_id, transaction_id, step, owner, started_at, attempts)
                    SELECT ?, ?, ?, ?, ?, 1 WHERE NOT EXISTS (SELECT 1 FROM capture_results WHERE capture_event_id = ?1)
                    ON CONFLICT (capture_event_id) DO UPDATE SET
                        previous_owner = in_flight_calls.owner, previous_started_at = in_flight_calls.started_at,
                        owner = excluded.owner, started_at = excluded.started_at, attempts = in_flight_calls.attempts + 1
                    WHERE in_flight_calls.owner = excluded.owner OR in_flight_calls.started_at < ?
                    RETURNING attempts, previous_owner, previous_started_at
                    """,
                    [
                        .text(capture.captureEventID), .text(capture.transactionID), .text(capture.step), .text(owner),
                        .float(date.timeIntervalSince1970), .float(cutoff.timeIntervalSince1970),
                    ]
                )
                if rows.isEmpty, try Self.fetchResult(db, capture.captureEventID) != nil { return .completed }
                if let row = rows.first, let attempts = row.column("attempts")?.integer {
                    guard attempts > 1 else { return .started(previous: nil) }
                    return .started(previous: InFlightMarker(
                        capture: capture,
                        owner: row.column("previous_owner")?.string ?? "",
                        startedAt: Date(timeIntervalSince1970: row.column("previous_started_at")?.double ?? 0),
                        attempts: attempts - 1
                    ))
                }
                let live = try db.query(
                    "SELECT owner, started_at, attempts FROM in_flight_calls WHERE capture_event_id = ?", [.text(capture.captureEventID)])
                if let row = live.first {
                    return .heldElsewhere(InFlightMarker(
                        capture: capture, owner: row.column("owner")?.string ?? "",
                        startedAt: Date(timeIntervalSince1970: row.column("started_at")?.double ?? 0),
                        attempts: Int(row.column("attempts")?.integer ?? 0)
                    ))
                }
            }
            throw StoreError(code: .query, message: "the in-flight marker kept changing while a call was being marked", isRetryable: true)
        }
    }

    public func complete(_ capture: CaptureKey, result: [UInt8], transactionState: [UInt8]?, at date: Date) async throws -> StoredResult {
        try await access { db in
            // One statement (migrations 6 and 7): the state, the result and the cleared marker, or,
            // when a result is stored already (a replay, another writer), nothing and an error.
            do {
                try db.execute(
                    "INSERT INTO capture_completions (capture_event_id, transaction_id, step, result, completed_at, state) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        .text(capture.captureEventID), .text(capture.transactionID), .text(capture.step), .blob(ByteBuffer(bytes: result)),
                        .float(date.timeIntervalSince1970), transactionState.map { .blob(ByteBuffer(bytes: $0)) } ?? .null,
                    ]
                )
                return StoredResult(captureEventID: capture.captureEventID, transactionID: capture.transactionID, step: capture.step, result: result, completedAt: date)
            } catch is CompletionConflict {
                // The stored result is the canonical one; the call it came from is over too.
                try db.execute("DELETE FROM in_flight_calls WHERE capture_event_id = ?", [.text(capture.captureEventID)])
                guard let existing = try Self.fetchResult(db, capture.captureEventID) else {
                    throw StoreError(code: .corrupt, message: "a capture result vanished during completion (a retention purge or a redrive at the same moment)", isRetryable: true)
                }
                return existing
            }
        }
    }

    public func renewCall(_ capture: CaptureKey, owner: String, at date: Date) async throws -> Bool {
        try await access { db in
            try !db.query(
                "UPDATE in_flight_calls SET started_at = ? WHERE capture_event_id = ? AND owner = ? RETURNING 1",
                [.float(date.timeIntervalSince1970), .text(capture.captureEventID), .text(owner)]
            ).isEmpty
        }
    }

    public func endCall(_ capture: CaptureKey, owner: String) async throws {
        try await access { db in
            try db.execute("DELETE FROM in_flight_calls WHERE capture_event_id = ? AND owner = ?", [.text(capture.captureEventID), .text(owner)])
        }
    }

    public func inFlightMarkers() async throws -> [InFlightMarker] {
        try await access { db in
            try db.query("SELECT capture_event_id, transaction_id, step, owner, started_at, attempts FROM in_flight_calls ORDER BY started_at", []).map { row in
                InFlightMarker(
                    capture: CaptureKey(
                        captureEventID: row.column("capture_event_id")?.string ?? "",
                        transactionID: row.column("transaction_id")?.string ?? "",
                        step: row.column("step")?.string ?? ""
                    ),
                    owner: row.column("owner")?.string ?? "",
                    startedAt: Date(timeIntervalSince1970: row.column("started_at")?.double ?? 0),
                    attempts: Int(row.column("attempts")?.integer ?? 0)
                )
            }
        }
    }

    public func purge(before date: Date, limit: Int) async throws -> StorePurge {
        let purge = try await access { db in
            func delete(_ table: String, _ column: String) throws -> Int {
                try db.query(
                    "DELETE FROM \(table) WHERE rowid IN (SELECT rowid FROM \(table) WHERE \(column) < ? LIMIT ?) RETURNING 1",
                    [.float(date.timeIntervalSince1970), .integer(limit)]
                ).count
            }
            return StorePurge(
                results: try delete("capture_results", "completed_at"),
                transactionStates: try delete("transaction_states", "updated_at"),
                inFlightMarkers: try delete("in_flight_calls", "started_at"),
                ownershipReports: try delete("partition_owners", "seen_at")
            )
        }
        // secure_delete zeroed the freed pages; the checkpoint moves them out of the WAL file too,
        // so no deleted row stays readable in either file.
        if purge.total > 0 { try await truncateWAL() }
        return purge
    }

    /// Moves the WAL's pages into the database and empties the WAL, from a connection of its own on
    /// NIO's thread pool: its syncs take up to hundreds of milliseconds, during which the store's
    /// connection stays free. A writer of the store's is waited for there, up to five seconds.
    private func truncateWAL() async throws {
        let (path, busyLimit) = (path, Self.busyLimit)
        let completed = try await NIOThreadPool.singleton.runIfActive { () throws -> Bool in
            let connection = try SQLiteHandle(path: path, busyTimeout: busyLimit)
            defer { connection.close() }
            guard case .rows(let rows) = try connection.run("PRAGMA wal_checkpoint(TRUNCATE)", []) else { return false }
            return rows.first?.column("busy")?.integer == 0
        }
        guard completed else {
            throw StoreError(code: .query, message: "the SQLite WAL could not be emptied after a purge: another connection kept it busy for \(busyLimit)", isRetryable: true)
        }
    }

    public func discardResult(forCapture captureEventID: String) async throws -> Bool {
        try await access { db in
            let rows = try db.query("DELETE FROM capture_results WHERE capture_event_id = ? RETURNING capture_event_id", [.text(captureEventID)])
            return !rows.isEmpty
        }
    }

    public func reportOwnership(_ ownership: PartitionOwnership, at date: Date, forgetBefore: Date) async throws {
        try await access { db in
            try db.execute(
                """
                INSERT INTO partition_owners (group_id, topic, instance_id, partitions, seen_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (group_id, topic, instance_id) DO UPDATE SET partitions = excluded.partitions, seen_at = excluded.seen_at
                """,
                [.text(ownership.group), .text(ownership.topic), .text(ownership.instance), .text(ownership.encodedPartitions), .float(date.timeIntervalSince1970)]
            )
            try db.execute("DELETE FROM partition_owners WHERE seen_at < ?", [.float(forgetBefore.timeIntervalSince1970)])
        }
    }

    public func partitionOwners(group: String, topic: String, since: Date) async throws -> [PartitionOwnership] {
        try await access { db in
            try db.query(
                "SELECT instance_id, partitions FROM partition_owners WHERE group_id = ? AND topic = ? AND seen_at >= ? ORDER BY instance_id",
                [.text(group), .text(topic), .float(since.timeIntervalSince1970)]
            ).map { row in
                PartitionOwnership(
                    group: group, topic: topic, instance: row.column("instance_id")?.string ?? "",
                    partitions: PartitionOwnership.decodePartitions(row.column("partitions")?.string ?? "")
                )
            }
        }
    }

    // MARK: - Statements

    private static func fetchResult(_ db: SQLiteHandle.Session, _ captureEventID: String) throws -> StoredResult? {
        let rows = try db.query(
            "SELECT transaction_id, step, result, completed_at FROM capture_results WHERE capture_event_id = ?",
            [.text(captureEventID)]
        )
        guard let row = rows.first else { return nil }
        guard let blob = row.column("result")?.blob else {
            throw StoreError(code: .corrupt, message: "a stored capture result has no payload")
        }
        return StoredResult(
            captureEventID: captureEventID,
            transactionID: row.column("transaction_id")?.string ?? "",
            step: row.column("step")?.string ?? "",
            result: Array(blob.readableBytesView),
            completedAt: Date(timeIntervalSince1970: row.column("completed_at")?.double ?? 0)
        )
    }

    /// Runs `body` on the connection, in place, with nobody else's statements in between: the
    /// connection is held for the statements' microseconds, never across a suspension, so callers
    /// never queue behind one another's scheduling. While another connection holds the
    /// database's lock, `body` is given up (its transaction rolled back) and run again after an
    /// async sleep, for up to five seconds. The sleep is waited out even by a cancelled caller.
    func access<T>(_ body: (SQLiteHandle.Session) throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + Self.busyLimit
        var pause = Duration.milliseconds(1)
        while true {
            do {
                return try handle.withSession(body)
            } catch is SQLiteBusy {
                guard ContinuousClock.now < deadline else {
                    throw StoreError(code: .query, message: "the SQLite store stayed locked by another connection for \(Self.busyLimit)", isRetryable: true)
                }
                let sleep = pause
                await Task { try? await Task.sleep(for: sleep) }.value
                pause = min(pause * 2, .milliseconds(50))
            }
        }
    }
}

extension SQLiteHandle.Session {
    /// Runs one of the store's statements; a refusal becomes a retryable ``StoreError`` (or
    /// ``CompletionConflict``), ``SQLiteBusy`` passes through for ``SQLiteVerificationStore/access(_:)``.
    func query(_ sql: String, _ binds: [SQLiteData] = []) throws -> [SQLiteValues] {
        do {
            return try run(sql, binds)
        } catch let failure as SQLiteFailure where failure.message == SchemaMigration.completionConflict {
            throw CompletionConflict()
        } catch let failure as SQLiteFailure {
            throw StoreError(code: .query, message: "SQLite statement failed: \(failure)", isRetryable: true)
        }
    }

    func execute(_ sql: String, _ binds: [SQLiteData] = []) throws {
        _ = try query(sql, binds)
    }

    /// Runs `body` between `BEGIN IMMEDIATE` and `COMMIT`; rolls back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            _ = try? run("ROLLBACK")
            throw error
        }
    }
}

/// Migration 7's trigger refused a completion: the capture's result is stored already.
private struct CompletionConflict: Error {}
