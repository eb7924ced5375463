import Foundation
import NIOCore
import PostgresNIO

/// The parking lot in PostgreSQL: table `parked_captures` (schema version 3).
extension PostgresVerificationStore {
    private static let columns = ParkedCapture.selectedColumns()

    public func park(_ capture: ParkedCapture) async throws -> ParkedCapture {
        let key = capture.key.map { ByteBuffer(bytes: $0) }
        let value = ByteBuffer(bytes: capture.value)
        let headers = ByteBuffer(bytes: capture.headers)
        return try await bounded { [self] in
            try await client.withTransaction(logger: logger) { connection in
                let inserted = try await Self.parkedCaptures(connection.query(
                    """
                    INSERT INTO parked_captures (lane, topic, partition_id, record_offset, tenant, reason, attempts, parked_at,
                        next_attempt_at, record_key, record_value, record_headers, byte_count)
                    VALUES (\(capture.lane), \(capture.topic), \(capture.partition), \(capture.offset), \(capture.tenant),
                        \(capture.reason), \(capture.attempts), \(capture.parkedAt), \(capture.nextAttemptAt), \(key), \(value),
                        \(headers), \(capture.byteCount))
                    ON CONFLICT (topic, partition_id, record_offset) DO NOTHING
                    RETURNING \(unescaped: Self.columns)
                    """,
                    logger: logger
                ))
                if let row = inserted.first { return row }
                // Parked before: that row stands (this statement sees it, unlike the insert's snapshot).
                let existing = try await Self.parkedCaptures(connection.query(
                    """
                    SELECT \(unescaped: Self.columns) FROM parked_captures
                    WHERE topic = \(capture.topic) AND partition_id = \(capture.partition) AND record_offset = \(capture.offset)
                    """,
                    logger: logger
                ))
                guard let row = existing.first else { throw StoreError(code: .corrupt, message: "a parked capture vanished while it was parked") }
                return row
            }
        }
    }

    public func parkedLanes(topic: String, partitions: [Int32]) async throws -> Set<String> {
        try await bounded { [self] in
            let rows = try await client.query(
                "SELECT DISTINCT lane FROM parked_captures WHERE topic = \(topic) AND partition_id = ANY(\(partitions))",
                logger: logger
            )
            var lanes: Set<String> = []
            for try await lane in rows.decode(String.self) { lanes.insert(lane) }
            return lanes
        }
    }

    public func dueParkedCaptures(topic: String, partitions: [Int32], now: Date, limit: Int) async throws -> [ParkedCapture] {
        try await bounded { [self] in
            try await Self.parkedCaptures(client.query(
                """
                SELECT \(unescaped: Self.columns) FROM parked_captures
                WHERE sequence IN (
                    SELECT MIN(sequence) FROM parked_captures
                    WHERE topic = \(topic) AND partition_id = ANY(\(partitions)) GROUP BY lane)
                AND next_attempt_at <= \(now)
                ORDER BY next_attempt_at, sequence LIMIT \(limit)
                """,
                logger: logger
            ))
        }
    }

    public func firstParkedCapture(lane: String) async throws -> ParkedCapture? {
        try await bounded { [self] in
            try await Self.parkedCaptures(client.query(
                "SELECT \(unescaped: Self.columns) FROM parked_captures WHERE lane = \(lane) ORDER BY sequence LIMIT 1",
                logger: logger
            )).first
        }
    }

    public func reschedule(sequence: Int64, reason: String, attempts: Int, nextAttemptAt: Date, lane: String?) async throws {
        try await bounded { [self] in
            _ = try await client.query(
                "UPDATE parked_captures SET reason = \(reason), attempts = \(attempts), next_attempt_at = \(nextAttemptAt), lane = COALESCE(\(lane), lane) WHERE sequence = \(sequence)",
                logger: logger
            )
        }
    }

    public func unpark(sequence: Int64) async throws {
        try await bounded { [self] in
            _ = try await client.query("DELETE FROM parked_captures WHERE sequence = \(sequence)", logger: logger)
        }
    }

    public func releaseParked(tenant: String?, reason: String?, at date: Date) async throws -> Int {
        try await bounded { [self] in
            try await client.query(
                """
                UPDATE parked_captures SET next_attempt_at = \(date)
                WHERE next_attempt_at > \(date) AND (\(tenant)::text IS NULL OR tenant = \(tenant)::text)
                    AND (\(reason)::text IS NULL OR reason = \(reason)::text)
                RETURNING 1
                """,
                logger: logger
            ).collect().count
        }
    }

    public func parkedSummary() async throws -> [ParkedSummary] {
        try await bounded { [self] in
            let rows = try await client.query(
                """
                SELECT tenant, reason, COUNT(*), SUM(byte_count), MIN(parked_at), COUNT(DISTINCT lane)
                FROM parked_captures GROUP BY tenant, reason ORDER BY tenant COLLATE "C", reason COLLATE "C"
                """,
                logger: logger
            )
            var summaries: [ParkedSummary] = []
            for try await (tenant, reason, count, bytes, oldest, lanes) in rows.decode((String, String, Int, Int, Date, Int).self) {
                summaries.append(ParkedSummary(tenant: tenant, reason: reason, count: count, bytes: bytes, oldestParkedAt: oldest, lanes: lanes))
            }
            return summaries
        }
    }

    public func parkedCount(tenant: String, reason: String, topic: String, partitions: [Int32]) async throws -> Int {
        try await bounded { [self] in
            let rows = try await client.query(
                """
                SELECT COUNT(*) FROM parked_captures
                WHERE tenant = \(tenant) AND reason = \(reason) AND topic = \(topic) AND partition_id = ANY(\(partitions))
                """,
                logger: logger
            )
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            return count
        }
    }

    public func parkedCaptures(tenant: String?, limit: Int) async throws -> [ParkedCapture] {
        try await bounded { [self] in
            try await Self.parkedCaptures(client.query(
                """
                SELECT \(unescaped: ParkedCapture.selectedColumns(emptyImages: "''::bytea")) FROM parked_captures
                WHERE \(tenant)::text IS NULL OR tenant = \(tenant)::text ORDER BY sequence LIMIT \(limit)
                """,
                logger: logger
            ))
        }
    }

    // MARK: - Rows

    /// Decodes rows of ``ParkedCapture/selectedColumns(emptyImages:)``.
    private static func parkedCaptures(_ rows: PostgresRowSequence) async throws -> [ParkedCapture] {
        var captures: [ParkedCapture] = []
        let columns = rows.decode((Int64, String, String, Int32, Int64, String, String, Int, Date, Date, ByteBuffer?, ByteBuffer, ByteBuffer).self)
        for try await (sequence, lane, topic, partition, offset, tenant, reason, attempts, parkedAt, nextAttemptAt, key, value, headers) in columns {
            captures.append(ParkedCapture(
                sequence: sequence, lane: lane, topic: topic, partition: partition, offset: offset, tenant: tenant, reason: reason,
                attempts: attempts, parkedAt: parkedAt, nextAttemptAt: nextAttemptAt, key: key.map { Array($0.readableBytesView) },
                value: Array(value.readableBytesView), headers: Array(headers.readableBytesView)
            ))
        }
        return captures
    }
}
