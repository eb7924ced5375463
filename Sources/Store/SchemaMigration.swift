/// One step of the store's schema history. Versions only grow; a released step never changes.
struct SchemaMigration: Sendable {
    var version: Int
    var summary: String
    var sqlite: [String]
    var postgres: [String]

    /// The whole history, oldest first.
    static let all: [SchemaMigration] = [
        SchemaMigration(
            version: 1,
            summary: "capture results, transaction states, in-flight markers",
            sqlite: [
                """
                CREATE TABLE capture_results (
                    capture_event_id TEXT PRIMARY KEY,
                    transaction_id TEXT NOT NULL,
                    step TEXT NOT NULL,
                    result BLOB NOT NULL,
                    completed_at REAL NOT NULL)
                """,
                "CREATE INDEX capture_results_completed_at ON capture_results (completed_at)",
                """
                CREATE TABLE transaction_states (
                    transaction_id TEXT PRIMARY KEY,
                    state BLOB NOT NULL,
                    updated_at REAL NOT NULL)
                """,
                """
                CREATE TABLE in_flight_calls (
                    capture_event_id TEXT PRIMARY KEY,
                    transaction_id TEXT NOT NULL,
                    step TEXT NOT NULL,
                    owner TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    attempts INTEGER NOT NULL)
                """,
            ],
            postgres: [
                """
                CREATE TABLE capture_results (
                    capture_event_id TEXT PRIMARY KEY,
                    transaction_id TEXT NOT NULL,
                    step TEXT NOT NULL,
                    result BYTEA NOT NULL,
                    completed_at TIMESTAMPTZ NOT NULL)
                """,
                "CREATE INDEX capture_results_completed_at ON capture_results (completed_at)",
                """
                CREATE TABLE transaction_states (
                    transaction_id TEXT PRIMARY KEY,
                    state BYTEA NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL)
                """,
                """
                CREATE TABLE in_flight_calls (
                    capture_event_id TEXT PRIMARY KEY,
                    transaction_id TEXT NOT NULL,
                    step TEXT NOT NULL,
                    owner TEXT NOT NULL,
                    started_at TIMESTAMPTZ NOT NULL,
                    attempts INTEGER NOT NULL)
                """,
            ]
        ),
        SchemaMigration(
            version: 2,
            summary: "which instance processes which partitions (ownership heartbeats)",
            sqlite: [
                """
                CREATE TABLE partition_owners (
                    group_id TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    instance_id TEXT NOT NULL,
                    partitions TEXT NOT NULL,
                    seen_at REAL NOT NULL,
                    PRIMARY KEY (group_id, topic, instance_id))
                """,
            ],
            postgres: [
                """
                CREATE TABLE partition_owners (
                    group_id TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    instance_id TEXT NOT NULL,
                    partitions TEXT NOT NULL,
                    seen_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (group_id, topic, instance_id))
                """,
            ]
        ),
        SchemaMigration(
            version: 3,
            summary: "parked captures (durable parking lot of blocked transactions)",
            sqlite: [
                """
                CREATE TABLE parked_captures (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                \(parkedCapturesColumns)
                    parked_at REAL NOT NULL,
                    next_attempt_at REAL NOT NULL,
                    record_key BLOB NULL,
                    record_value BLOB NOT NULL,
                    record_headers BLOB NOT NULL,
                    byte_count INTEGER NOT NULL,
                    UNIQUE (topic, partition_id, record_offset))
                """,
            ] + parkedCapturesIndexes,
            postgres: [
                """
                CREATE TABLE parked_captures (
                    sequence BIGSERIAL PRIMARY KEY,
                \(parkedCapturesColumns)
                    parked_at TIMESTAMPTZ NOT NULL,
                    next_attempt_at TIMESTAMPTZ NOT NULL,
                    record_key BYTEA NULL,
                    record_value BYTEA NOT NULL,
                    record_headers BYTEA NOT NULL,
                    byte_count INTEGER NOT NULL,
                    UNIQUE (topic, partition_id, record_offset))
                """,
            ] + parkedCapturesIndexes
        ),
        SchemaMigration(
            version: 4,
            summary: "rate-limit leases (instances share a tenant's limit by demand)",
            sqlite: [
                """
                CREATE TABLE rate_shares (
                    tenant TEXT NOT NULL,
                    instance_id TEXT NOT NULL,
                    granted INTEGER NOT NULL,
                    held INTEGER NOT NULL,
                    held_until REAL NOT NULL,
                    demand REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    PRIMARY KEY (tenant, instance_id))
                """,
            ],
            postgres: [
                """
                CREATE TABLE rate_shares (
                    tenant TEXT NOT NULL,
                    instance_id TEXT NOT NULL,
                    granted INTEGER NOT NULL,
                    held INTEGER NOT NULL,
                    held_until TIMESTAMPTZ NOT NULL,
                    demand DOUBLE PRECISION NOT NULL,
                    expires_at TIMESTAMPTZ NOT NULL,
                    PRIMARY KEY (tenant, instance_id))
                """,
            ]
        ),
        SchemaMigration(
            version: 5,
            summary: "in-flight markers keep the attempt before them (beginCall in one statement)",
            sqlite: [
                "ALTER TABLE in_flight_calls ADD COLUMN previous_owner TEXT",
                "ALTER TABLE in_flight_calls ADD COLUMN previous_started_at REAL",
            ],
            postgres: [
                "ALTER TABLE in_flight_calls ADD COLUMN previous_owner TEXT",
                "ALTER TABLE in_flight_calls ADD COLUMN previous_started_at TIMESTAMPTZ",
            ]
        ),
        SchemaMigration(
            version: 6,
            summary: "SQLite completes a capture in one statement (PostgreSQL already does, with a CTE)",
            sqlite: [
                // Inserting into the view runs the trigger's three writes as one atomic statement: the
                // state is written only with a result that is new, the result unless one is stored,
                // and the in-flight marker cleared either way.
                """
                CREATE VIEW capture_completions AS
                SELECT r.capture_event_id, r.transaction_id, r.step, r.result, r.completed_at, s.state
                FROM capture_results r LEFT JOIN transaction_states s ON s.transaction_id = r.transaction_id
                """,
                """
                CREATE TRIGGER capture_completions_insert INSTEAD OF INSERT ON capture_completions
                BEGIN
                    INSERT INTO transaction_states (transaction_id, state, updated_at)
                    SELECT NEW.transaction_id, NEW.state, NEW.completed_at
                    WHERE NEW.state IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM capture_results WHERE capture_event_id = NEW.capture_event_id)
                    ON CONFLICT (transaction_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at;
                    INSERT INTO capture_results (capture_event_id, transaction_id, step, result, completed_at)
                    VALUES (NEW.capture_event_id, NEW.transaction_id, NEW.step, NEW.result, NEW.completed_at)
                    ON CONFLICT (capture_event_id) DO NOTHING;
                    DELETE FROM in_flight_calls WHERE capture_event_id = NEW.capture_event_id;
                END
                """,
            ],
            postgres: []
        ),
        SchemaMigration(
            version: 7,
            summary: "SQLite's completion refuses a capture whose result is stored, so the worker learns which result won without a second statement",
            sqlite: [
                "DROP TRIGGER capture_completions_insert",
                // The same three writes as migration 6, after a check: when a result is stored already
                // (a replay, another writer), the statement fails with `completionConflict` and writes
                // nothing; the store then reads the stored result. Otherwise ours is the one stored.
                """
                CREATE TRIGGER capture_completions_insert INSTEAD OF INSERT ON capture_completions
                BEGIN
                    SELECT RAISE(ABORT, '\(completionConflict)')
                    WHERE EXISTS (SELECT 1 FROM capture_results WHERE capture_event_id = NEW.capture_event_id);
                    INSERT INTO transaction_states (transaction_id, state, updated_at)
                    SELECT NEW.transaction_id, NEW.state, NEW.completed_at
                    WHERE NEW.state IS NOT NULL
                    ON CONFLICT (transaction_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at;
                    INSERT INTO capture_results (capture_event_id, transaction_id, step, result, completed_at)
                    VALUES (NEW.capture_event_id, NEW.transaction_id, NEW.step, NEW.result, NEW.completed_at);
                    DELETE FROM in_flight_calls WHERE capture_event_id = NEW.capture_event_id;
                END
                """,
            ],
            postgres: []
        ),
    ]

    /// The message of the error migration 7's trigger raises when a capture's result is stored already.
    static let completionConflict = "vlens_worker: a result of this capture is stored already"

    /// Migration 3's columns that both engines spell the same (the others differ in type).
    private static let parkedCapturesColumns = """
            lane TEXT NOT NULL,
            topic TEXT NOT NULL,
            partition_id INTEGER NOT NULL,
            record_offset BIGINT NOT NULL,
            tenant TEXT NOT NULL,
            reason TEXT NOT NULL,
            attempts INTEGER NOT NULL,
        """

    /// Migration 3's indexes, the same in both engines.
    private static let parkedCapturesIndexes = [
        "CREATE INDEX parked_captures_lane ON parked_captures (lane, sequence)",
        "CREATE INDEX parked_captures_partition ON parked_captures (topic, partition_id)",
        "CREATE INDEX parked_captures_tenant ON parked_captures (tenant)",
    ]

    /// The newest schema version this build knows.
    static var latestVersion: Int { all.last?.version ?? 0 }
}
