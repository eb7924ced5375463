import SQLiteNIO
import Synchronization
import VaporCSQLite

/// One SQLite connection, called in place: each statement runs on the calling thread (an insert
/// into a WAL file takes microseconds), with its prepared form kept for the next call. Going
/// through a thread pool cost two thread hand-offs per statement, most of a statement's price.
/// A caller has the connection to itself for a ``Session`` (a few statements, or a transaction).
///
/// A lock held by another connection is never waited for on the calling thread: the statement
/// throws ``SQLiteBusy`` and the caller sleeps before trying again
/// (``SQLiteVerificationStore`` does, for up to five seconds).
final class SQLiteHandle: Sendable {
    /// What a statement gave: its rows, or that the database was locked by another connection.
    enum Outcome {
        case rows([SQLiteValues])
        case busy
    }

    /// The database and its prepared statements (by their SQL, reset after each use; at most
    /// ``preparedLimit``: statements with a list of parameters come in many lengths).
    fileprivate final class State: @unchecked Sendable {  // touched only under `state`'s lock
        var database: OpaquePointer?
        var prepared: [String: OpaquePointer] = [:]

        init(database: OpaquePointer?) { self.database = database }
    }

    fileprivate static let preparedLimit = 128

    private let state: Mutex<State>

    /// Opens (creating) the database file at `path`. With `busyTimeout` a statement that meets
    /// another connection's lock waits for it on the calling thread (for a connection of a thread
    /// pool only), up to that long.
    init(path: String, busyTimeout: Duration? = nil) throws {
        var database: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite_nio_sqlite3_open_v2(path, &database, flags, nil)
        guard code == SQLITE_OK, let database else {
            let failure = SQLiteFailure(code: code, database: database)
            sqlite_nio_sqlite3_close_v2(database)
            throw failure
        }
        // Extended codes name a trigger's refusal (SQLITE_CONSTRAINT_TRIGGER) and the kind of lock.
        sqlite_nio_sqlite3_extended_result_codes(database, 1)
        if let busyTimeout { sqlite_nio_sqlite3_busy_timeout(database, Int32(busyTimeout.components.seconds * 1000)) }
        state = Mutex(State(database: database))
    }

    /// The connection while one caller has it: its statements run one after another, nobody
    /// else's in between (so a transaction is `BEGIN`, statements, `COMMIT` inside one session).
    struct Session {
        fileprivate let state: State

        /// Runs one statement with its parameters, to its end; throws ``SQLiteBusy`` when another
        /// connection holds the lock it needs.
        func run(_ sql: String, _ binds: [SQLiteData] = []) throws -> [SQLiteValues] {
            guard let database = state.database else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the SQLite store is closed") }
            let kept = state.prepared[sql]
            let statement = try kept ?? SQLiteHandle.prepare(sql, database)
            let keep = kept != nil || state.prepared.count < SQLiteHandle.preparedLimit
            if kept == nil, keep { state.prepared[sql] = statement }
            defer {
                if keep {
                    sqlite_nio_sqlite3_reset(statement)
                    sqlite_nio_sqlite3_clear_bindings(statement)
                } else {
                    sqlite_nio_sqlite3_finalize(statement)
                }
            }
            try SQLiteHandle.bind(binds, to: statement, database)
            var rows: [SQLiteValues] = []
            while true {
                let code = sqlite_nio_sqlite3_step(statement)
                switch code & 0xFF {
                case SQLITE_ROW: rows.append(SQLiteValues(statement))
                case SQLITE_DONE: return rows
                case SQLITE_BUSY: throw SQLiteBusy()
                default: throw SQLiteFailure(code: code, database: database)
                }
            }
        }
    }

    /// Runs `body` with the connection to itself, on the calling thread. Keep it to statements:
    /// other callers wait (blocked, not suspended) until it returns.
    func withSession<T>(_ body: (Session) throws -> T) throws -> T {
        try state.withLock { state in
            try body(Session(state: state))
        }
    }

    /// Runs one statement with its parameters, to its end.
    func run(_ sql: String, _ binds: [SQLiteData]) throws -> Outcome {
        do {
            return .rows(try withSession { try $0.run(sql, binds) })
        } catch is SQLiteBusy {
            return .busy
        }
    }

    /// Finalizes the prepared statements and closes the database; later calls fail.
    func close() {
        state.withLock { state in
            for statement in state.prepared.values { sqlite_nio_sqlite3_finalize(statement) }
            state.prepared = [:]
            sqlite_nio_sqlite3_close_v2(state.database)
            state.database = nil
        }
    }

    deinit { close() }

    fileprivate static func prepare(_ sql: String, _ database: OpaquePointer) throws -> OpaquePointer {
        var statement: OpaquePointer?
        let code = sqlite_nio_sqlite3_prepare_v3(database, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw SQLiteFailure(code: code, database: database) }
        return statement
    }

    fileprivate static func bind(_ binds: [SQLiteData], to statement: OpaquePointer, _ database: OpaquePointer) throws {
        for (index, value) in binds.enumerated() {
            let position = Int32(index + 1)
            let code: Int32 = switch value {
            case .integer(let value): sqlite_nio_sqlite3_bind_int64(statement, position, Int64(value))
            case .float(let value): sqlite_nio_sqlite3_bind_double(statement, position, value)
            case .null: sqlite_nio_sqlite3_bind_null(statement, position)
            case .text(let value):
                sqlite_nio_sqlite3_bind_text64(statement, position, value, UInt64(value.utf8.count), transient, UInt8(SQLITE_UTF8))
            case .blob(let value):
                value.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, position, $0.baseAddress, UInt64($0.count), transient)
                }
            }
            guard code == SQLITE_OK else { throw SQLiteFailure(code: code, database: database) }
        }
    }

    /// SQLite copies the bound value before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// Another connection holds the lock a statement needs (`SQLITE_BUSY`); the statement did nothing.
struct SQLiteBusy: Error {}
