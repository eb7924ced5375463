import Foundation
import Kafka
import Store

/// Converts between a Kafka record and its parked form.
enum ParkedRecord {
    /// The lane of a record: its key as text (the transaction id), or its partition for a record
    /// without a key.
    static func lane(of record: KafkaRecord) -> String {
        guard let key = record.key else { return "\u{0}partition-\(record.partition)" }
        return String(validating: key, as: UTF8.self) ?? "\u{0}hex-" + key.map { String(format: "%02x", $0) }.joined()
    }

    /// The parked form of `record`.
    static func parked(
        _ record: KafkaRecord, lane: String, tenant: String, reason: CaptureBlocked.Reason, attempts: Int, at date: Date, retryAt: Date
    ) -> ParkedCapture {
        ParkedCapture(
            lane: lane, topic: record.topic, partition: record.partition, offset: record.offset, tenant: tenant,
            reason: reason.rawValue, attempts: attempts, parkedAt: date, nextAttemptAt: retryAt,
            key: record.key, value: record.value, headers: encode(record.headers)
        )
    }

    /// The record a parked capture came from.
    static func record(_ parked: ParkedCapture) throws -> KafkaRecord {
        KafkaRecord(
            topic: parked.topic, partition: parked.partition, offset: parked.offset, key: parked.key, value: parked.value,
            headers: try decode(parked.headers)
        )
    }

    private struct Header: Codable {
        var key: String
        var value: [UInt8]?
    }

    static func encode(_ headers: [KafkaHeader]) -> [UInt8] {
        // Encoding plain strings and byte arrays cannot fail.
        (try? Array(JSONEncoder().encode(headers.map { Header(key: $0.key, value: $0.value) }))) ?? Array("[]".utf8)
    }

    static func decode(_ bytes: [UInt8]) throws -> [KafkaHeader] {
        try JSONDecoder().decode([Header].self, from: Data(bytes)).map { KafkaHeader(key: $0.key, value: $0.value) }
    }
}
