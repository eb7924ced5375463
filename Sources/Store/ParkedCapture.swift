import Foundation

/// A capture that could not progress when it was handled (its tenant's Vlens is down or rate
/// limited, its claim-check host fails), kept in the store until its cause clears, so that neither
/// the in-flight window nor the partition's commit point waits for it.
///
/// Parked captures of one lane (the Kafka record key: the transaction id) resume strictly in
/// ``sequence`` order; a lane's later records are parked behind its first.
public struct ParkedCapture: Sendable, Equatable {
    /// The store's sequence number, assigned by ``ParkingStore/park(_:)`` (0 before): the order
    /// parked captures of one lane resume in.
    public var sequence: Int64
    /// The lane: the record key as text (the transaction id).
    public var lane: String
    /// Where the record came from.
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The configured tenant the capture belongs to (a bounded name, fit for a metric label).
    public var tenant: String
    /// Why it is parked: a bounded code such as `breaker_open` or `behind_parked`.
    public var reason: String
    /// Calls that failed transiently for it so far, across parks (the attempt budget).
    public var attempts: Int
    public var parkedAt: Date
    /// When the resumer tries it next.
    public var nextAttemptAt: Date
    /// The record's key, value and headers (headers in the workflow's own encoding).
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [UInt8]

    public init(
        sequence: Int64 = 0, lane: String, topic: String, partition: Int32, offset: Int64, tenant: String, reason: String,
        attempts: Int, parkedAt: Date, nextAttemptAt: Date, key: [UInt8]?, value: [UInt8], headers: [UInt8]
    ) {
        self.sequence = sequence
        self.lane = lane
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.tenant = tenant
        self.reason = reason
        self.attempts = attempts
        self.parkedAt = parkedAt
        self.nextAttemptAt = nextAttemptAt
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The bytes it holds in the store: key, value and headers.
    public var byteCount: Int { (key?.count ?? 0) + value.count + headers.count }
}

/// How many captures are parked for one tenant and reason, and since when.
public struct ParkedSummary: Sendable, Equatable {
    public var tenant: String
    public var reason: String
    public var count: Int
    /// Key, value and header bytes.
    public var bytes: Int
    public var oldestParkedAt: Date
    /// Distinct lanes (transactions).
    public var lanes: Int

    public init(tenant: String, reason: String, count: Int, bytes: Int, oldestParkedAt: Date, lanes: Int) {
        self.tenant = tenant
        self.reason = reason
        self.count = count
        self.bytes = bytes
        self.oldestParkedAt = oldestParkedAt
        self.lanes = lanes
    }
}

extension ParkedCapture {
    /// The `parked_captures` columns both engines select, in their row decoders' order. Given
    /// `emptyImages` (the engine's empty-blob literal), key, value and headers read as NULL, empty and
    /// empty instead: a listing must not load them.
    static func selectedColumns(emptyImages: String? = nil) -> String {
        let images = emptyImages.map { "NULL AS record_key, \($0) AS record_value, \($0) AS record_headers" } ?? "record_key, record_value, record_headers"
        return "sequence, lane, topic, partition_id, record_offset, tenant, reason, attempts, parked_at, next_attempt_at, \(images)"
    }
}
