import VaporCSQLite

/// A statement SQLite refused, with its result code and message (SQL errors and trigger
/// refusals; never the bound values).
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(code: Int32, database: OpaquePointer?) {
        self.code = code
        message = database.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite_nio_sqlite3_errstr(code))
    }

    var description: String { "\(message) (SQLite code \(code))" }
}
