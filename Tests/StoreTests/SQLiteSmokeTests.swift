import Foundation
import SQLiteNIO
import Testing

@Suite("SQLite smoke test")
struct SQLiteSmokeTests {
    @Test("a database file opens, stores a row and reads it back")
    func openFileDatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-smoke-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("smoke.sqlite").path

        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        _ = try await connection.query("CREATE TABLE smoke (id INTEGER PRIMARY KEY, value TEXT NOT NULL)")
        _ = try await connection.query("INSERT INTO smoke (value) VALUES (?)", [.text("written")])
        let rows = try await connection.query("SELECT value FROM smoke")
        try await connection.close()

        #expect(rows.count == 1)
        #expect(rows.first?.column("value")?.string == "written")
        #expect(FileManager.default.fileExists(atPath: path))
    }
}
