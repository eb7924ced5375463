import NIOCore
import SQLiteNIO
import VaporCSQLite

/// One row a statement returned, by column name.
struct SQLiteValues: Sendable {
    private let names: [String]
    private let values: [SQLiteData]

    init(_ statement: OpaquePointer) {
        let count = sqlite_nio_sqlite3_column_count(statement)
        var names: [String] = []
        var values: [SQLiteData] = []
        names.reserveCapacity(Int(count))
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            names.append(sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? "")
            values.append(Self.value(statement, column))
        }
        self.names = names
        self.values = values
    }

    /// The value of the column named `name`, if the row has one.
    func column(_ name: String) -> SQLiteData? {
        names.firstIndex(of: name).map { values[$0] }
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            return .text(sqlite_nio_sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "")
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            guard let bytes = sqlite_nio_sqlite3_column_blob(statement, column) else { return .blob(ByteBuffer()) }
            return .blob(ByteBuffer(bytes: UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }
}
