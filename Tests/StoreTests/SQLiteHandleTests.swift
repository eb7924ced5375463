import Foundation
import Logging
import SQLiteNIO
import TestSupport
import Testing
@testable import Store

@Suite("SQLite connection")
struct SQLiteHandleTests {
    private func withDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-smoke-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory.path)
    }

    @Test("a database file opens, stores a row and reads it back, each value type intact")
    func openFileDatabase() async throws {
        try await withDirectory { directory in
            let path = directory + "/smoke.sqlite"
            let handle = try SQLiteHandle(path: path)
            defer { handle.close() }
            _ = try handle.run("CREATE TABLE smoke (id INTEGER PRIMARY KEY, value TEXT NOT NULL, amount REAL, payload BLOB, missing TEXT)", [])
            for value in ["written", "again"] {
                _ = try handle.run(
                    "INSERT INTO smoke (value, amount, payload, missing) VALUES (?, ?, ?, ?)",
                    [.text(value), .float(1.5), .blob(ByteBuffer(bytes: [0, 1, 255])), .null])
            }
            guard case .rows(let rows) = try handle.run("SELECT id, value, amount, payload, missing FROM smoke ORDER BY id", []) else {
                Issue.record("an unshared database reported a lock")
                return
            }
            #expect(rows.map { $0.column("value")?.string } == ["written", "again"])
            #expect(rows.first?.column("id")?.integer == 1)
            #expect(rows.first?.column("amount")?.double == 1.5)
            #expect(rows.first?.column("payload")?.blob.map { Array($0.readableBytesView) } == [0, 1, 255])
            #expect(rows.first?.column("missing") == .null)
            #expect(rows.first?.column("absent") == nil)
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("a statement SQLite refuses names the problem, and the connection stays usable")
    func refusedStatement() async throws {
        try await withDirectory { directory in
            let handle = try SQLiteHandle(path: directory + "/refused.sqlite")
            defer { handle.close() }
            #expect {
                _ = try handle.run("SELECT * FROM nowhere", [])
            } throws: { error in
                (error as? SQLiteFailure)?.message.contains("no such table") == true
            }
            _ = try handle.run("CREATE TABLE t (v INTEGER NOT NULL)", [])
            #expect(throws: SQLiteFailure.self) { _ = try handle.run("INSERT INTO t (v) VALUES (?)", [.null]) }
            guard case .rows = try handle.run("INSERT INTO t (v) VALUES (?)", [.integer(1)]) else {
                Issue.record("an unshared database reported a lock")
                return
            }
        }
    }

    @Test("a store whose file another connection holds locked waits for it, without holding a thread, then writes")
    func waitsForAnotherConnectionsLock() async throws {
        try await withDirectory { directory in
            let path = directory + "/shared.sqlite"
            let store = try await SQLiteVerificationStore.open(path: path, logger: Logger(label: "test"))
            try await store.migrate()
            let other = try SQLiteHandle(path: path)
            _ = try other.run("BEGIN IMMEDIATE", [])
            guard case .busy = try handle(store).run("DELETE FROM in_flight_calls", []) else {
                Issue.record("a write went through while another connection held the write lock")
                return
            }
            // On a thread of its own: a release delayed past the store's 5 s wait by a busy test pool would fail the write.
            let release = Task {
                try await onOwnThread {
                    usleep(300_000)
                    _ = try other.run("COMMIT", [])
                }
            }
            let capture = CaptureKey(captureEventID: "e-1", transactionID: "t-1", step: "id_front")
            #expect(try await store.beginCall(capture, owner: "me", at: Date(), takingOverBefore: .distantFuture) == .started(previous: nil))
            try await release.value
            #expect(try await store.inFlightMarkers().map(\.capture.captureEventID) == ["e-1"])
            other.close()
            try await store.close()
        }
    }

    @Test("while the store runs, a WAL past its limit is moved into the database file in the background")
    func checkpointsInTheBackground() async throws {
        try await withDirectory { directory in
            let path = directory + "/checkpoints.sqlite"
            let store = try await SQLiteVerificationStore.open(path: path, logger: Logger(label: "test"))
            try await store.migrate()
            let running = Task { try await store.run() }
            try await Task.sleep(for: .milliseconds(200))
            let fileSize = { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
            let before = fileSize()
            let written = SQLiteVerificationStore.checkpointWALBytes + (1 << 20)
            for index in 0..<(written / 65536) {
                let capture = CaptureKey(captureEventID: "e-\(index)", transactionID: "t-\(index)", step: "id_front")
                _ = try await store.complete(capture, result: Array(repeating: UInt8(index % 256), count: 65536), transactionState: nil, at: Date())
            }
            // The results sit in the WAL until the store's own checkpoint moves them.
            let deadline = ContinuousClock.now + .seconds(60)
            while fileSize() < before + written, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(fileSize() >= before + written)
            running.cancel()
            try await running.value
        }
    }

    private func handle(_ store: SQLiteVerificationStore) -> SQLiteHandle { store.handle }
}
