import Foundation
import Kafka
import Processing
import Store

/// A record the parking lot can store and give back: its key and value, its headers in an opaque
/// encoding, and a way back from the stored form.
public protocol ParkableRecord: ProcessingRecord {
    var key: [UInt8]? { get }
    var value: [UInt8] { get }
    /// The record's headers, encoded for the store.
    var encodedHeaders: [UInt8] { get }
    /// The record a parked capture was made from.
    init(parked: ParkedCapture) throws
}

extension ParkableRecord {
    /// The lane of the record: its key as text (the transaction id), or its partition for a record
    /// without a key (such records have no order among themselves, but one lane keeps it simple).
    package var parkingLane: String {
        guard let key else { return "\u{0}partition-\(topicPartition.partition)" }
        return String(validating: key, as: UTF8.self) ?? "\u{0}hex-" + key.map { String(format: "%02x", $0) }.joined()
    }

    /// The parked form of the record.
    package func parked(tenant: String, reason: CaptureBlocked.Reason, attempts: Int, at date: Date, retryAt: Date) -> ParkedCapture {
        ParkedCapture(
            lane: parkingLane, topic: topicPartition.topic, partition: topicPartition.partition, offset: offset, tenant: tenant,
            reason: reason.rawValue, attempts: attempts, parkedAt: date, nextAttemptAt: retryAt,
            key: key, value: value, headers: encodedHeaders
        )
    }
}

extension KafkaRecord: ParkableRecord {
    private struct Header: Codable {
        package var key: String
        package var value: [UInt8]?
    }

    /// The headers as JSON: `[{"key": ..., "value": [bytes] | null}]`.
    public var encodedHeaders: [UInt8] {
        // Encoding strings and byte arrays cannot fail.
        (try? Array(JSONEncoder().encode(headers.map { Header(key: $0.key, value: $0.value) }))) ?? Array("[]".utf8)
    }

    public init(parked: ParkedCapture) throws {
        let headers = try JSONDecoder().decode([Header].self, from: Data(parked.headers)).map { KafkaHeader(key: $0.key, value: $0.value) }
        self.init(topic: parked.topic, partition: parked.partition, offset: parked.offset, key: parked.key, value: parked.value, headers: headers)
    }
}
