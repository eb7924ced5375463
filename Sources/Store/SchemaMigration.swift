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
    ]

    /// The newest schema version this build knows.
    static var latestVersion: Int { all.last?.version ?? 0 }
}
