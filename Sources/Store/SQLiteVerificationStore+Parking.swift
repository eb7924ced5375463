import Foundation
import NIOCore
import SQLiteNIO

/// The parking lot in SQLite: table `parked_captures` (schema version 3).
extension SQLiteVerificationStore {
    private static let columns = ParkedCapture.selectedColumns()

    public func park(_ capture: ParkedCapture) async throws -> ParkedCapture {
        try await access { db in
            try db.transaction {
                try db.execute(
                    """
                    INSERT INTO parked_captures (lane, topic, partition_id, record_offset, tenant, reason, attempts, parked_at,
                        next_attempt_at, record_key, record_value, record_headers, byte_count)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (topic, partition_id, record_offset) DO NOTHING
                    """,
                    [
                        .text(capture.lane), .text(capture.topic), .integer(Int(capture.partition)), .integer(Int(capture.offset)),
                        .text(capture.tenant), .text(capture.reason), .integer(capture.attempts),
                        .float(capture.parkedAt.timeIntervalSince1970), .float(capture.nextAttemptAt.timeIntervalSince1970),
                        capture.key.map { .blob(ByteBuffer(bytes: $0)) } ?? .null, .blob(ByteBuffer(bytes: capture.value)),
                        .blob(ByteBuffer(bytes: capture.headers)), .integer(capture.byteCount),
                    ]
                )
                let stored = try db.query(
                    "SELECT \(Self.columns) FROM parked_captures WHERE topic = ? AND partition_id = ? AND record_offset = ?",
                    [.text(capture.topic), .integer(Int(capture.partition)), .integer(Int(capture.offset))]
                )
                guard let row = stored.first else { throw StoreError(code: .corrupt, message: "a parked capture vanished while it was parked") }
                return try Self.parkedCapture(row)
            }
        }
    }

    public func parkedLanes(topic: String, partitions: [Int32]) async throws -> Set<String> {
        guard !partitions.isEmpty else { return [] }
        return try await access { db in
            let rows = try db.query(
                "SELECT DISTINCT lane FROM parked_captures WHERE topic = ? AND partition_id IN (\(Self.placeholders(partitions.count)))",
                [.text(topic)] + partitions.map { .integer(Int($0)) }
            )
            return Set(rows.compactMap { $0.column("lane")?.string })
        }
    }

    public func dueParkedCaptures(topic: String, partitions: [Int32], now: Date, limit: Int) async throws -> [ParkedCapture] {
        guard !partitions.isEmpty else { return [] }
        return try await access { db in
            try db.query(
                """
                SELECT \(Self.columns) FROM parked_captures
                WHERE sequence IN (
                    SELECT MIN(sequence) FROM parked_captures
                    WHERE topic = ? AND partition_id IN (\(Self.placeholders(partitions.count))) GROUP BY lane)
                AND next_attempt_at <= ?
                ORDER BY next_attempt_at, sequence LIMIT ?
                """,
                [.text(topic)] + partitions.map { .integer(Int($0)) } + [.float(now.timeIntervalSince1970), .integer(limit)]
            ).map(Self.parkedCapture)
        }
    }

    public func firstParkedCapture(lane: String) async throws -> ParkedCapture? {
        try await access { db in
            try db.query("SELECT \(Self.columns) FROM parked_captures WHERE lane = ? ORDER BY sequence LIMIT 1", [.text(lane)])
                .first.map(Self.parkedCapture)
        }
    }

    public func reschedule(sequence: Int64, reason: String, attempts: Int, nextAttemptAt: Date, lane: String?) async throws {
        try await access { db in
            try db.execute(
                "UPDATE parked_captures SET reason = ?, attempts = ?, next_attempt_at = ?, lane = COALESCE(?, lane) WHERE sequence = ?",
                [.text(reason), .integer(attempts), .float(nextAttemptAt.timeIntervalSince1970), Self.text(lane), .integer(Int(sequence))]
            )
        }
    }

    public func unpark(sequence: Int64) async throws {
        try await access { db in
            try db.execute("DELETE FROM parked_captures WHERE sequence = ?", [.integer(Int(sequence))])
        }
    }

    public func releaseParked(tenant: String?, reason: String?, at date: Date) async throws -> Int {
        try await access { db in
            try db.query(
                "UPDATE parked_captures SET next_attempt_at = ? WHERE next_attempt_at > ? AND (? IS NULL OR tenant = ?) AND (? IS NULL OR reason = ?) RETURNING 1",
                [.float(date.timeIntervalSince1970), .float(date.timeIntervalSince1970), Self.text(tenant), Self.text(tenant), Self.text(reason), Self.text(reason)]
            ).count
        }
    }

    public func parkedCount(tenant: String, reason: String, topic: String, partitions: [Int32]) async throws -> Int {
        guard !partitions.isEmpty else { return 0 }
        return try await access { db in
            try db.query(
                "SELECT COUNT(*) AS count FROM parked_captures WHERE tenant = ? AND reason = ? AND topic = ? AND partition_id IN (\(Self.placeholders(partitions.count)))",
                [.text(tenant), .text(reason), .text(topic)] + partitions.map { .integer(Int($0)) }
            ).first?.column("count")?.integer ?? 0
        }
    }

    public func parkedSummary() async throws -> [ParkedSummary] {
        try await access { db in
            try db.query(
                """
                SELECT tenant, reason, COUNT(*) AS count, SUM(byte_count) AS bytes, MIN(parked_at) AS oldest, COUNT(DISTINCT lane) AS lanes
                FROM parked_captures GROUP BY tenant, reason ORDER BY tenant, reason
                """,
                []
            ).map { row in
                ParkedSummary(
                    tenant: row.column("tenant")?.string ?? "",
                    reason: row.column("reason")?.string ?? "",
                    count: row.column("count")?.integer ?? 0,
                    bytes: row.column("bytes")?.integer ?? 0,
                    oldestParkedAt: Date(timeIntervalSince1970: row.column("oldest")?.double ?? 0),
                    lanes: row.column("lanes")?.integer ?? 0
                )
            }
        }
    }

    public func parkedCaptures(tenant: String?, limit: Int) async throws -> [ParkedCapture] {
        try await access { db in
            try db.query(
                "SELECT \(ParkedCapture.selectedColumns(emptyImages: "X''")) FROM parked_captures WHERE ? IS NULL OR tenant = ? ORDER BY sequence LIMIT ?",
                [Self.text(tenant), Self.text(tenant), .integer(limit)]
            ).map(Self.parkedCapture)
        }
    }

    // MARK: - Rows

    private static func parkedCapture(_ row: SQLiteValues) throws -> ParkedCapture {
        guard let value = row.column("record_value")?.blob, let headers = row.column("record_headers")?.blob else {
            throw StoreError(code: .corrupt, message: "a parked capture has no record value or headers")
        }
        return ParkedCapture(
            sequence: Int64(row.column("sequence")?.integer ?? 0),
            lane: row.column("lane")?.string ?? "",
            topic: row.column("topic")?.string ?? "",
            partition: Int32(truncatingIfNeeded: row.column("partition_id")?.integer ?? 0),
            offset: Int64(row.column("record_offset")?.integer ?? 0),
            tenant: row.column("tenant")?.string ?? "",
            reason: row.column("reason")?.string ?? "",
            attempts: row.column("attempts")?.integer ?? 0,
            parkedAt: Date(timeIntervalSince1970: row.column("parked_at")?.double ?? 0),
            nextAttemptAt: Date(timeIntervalSince1970: row.column("next_attempt_at")?.double ?? 0),
            key: row.column("record_key")?.blob.map { Array($0.readableBytesView) },
            value: Array(value.readableBytesView),
            headers: Array(headers.readableBytesView)
        )
    }

    /// `?, ?, …`: `count` bind placeholders.
    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    private static func text(_ value: String?) -> SQLiteData {
        value.map { .text($0) } ?? .null
    }
}
