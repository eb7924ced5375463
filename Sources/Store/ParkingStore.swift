import Foundation

/// The store's parking lot: durable, per-lane ordered storage of captures that cannot progress now.
///
/// The invariant the worker keeps with it: a capture is parked (stored) before its offset may be
/// committed, and unparked only after its result is stored and published.
public protocol ParkingStore: Sendable {
    /// Parks `capture` behind every capture of its lane parked before.
    ///
    /// - Returns: the capture as stored (with its ``ParkedCapture/sequence``); when the same source
    ///   record (topic, partition, offset) is parked already, that earlier row, unchanged.
    func park(_ capture: ParkedCapture) async throws -> ParkedCapture

    /// The lanes with at least one parked capture among `partitions` of `topic`.
    func parkedLanes(topic: String, partitions: [Int32]) async throws -> Set<String>

    /// Per lane among `partitions` of `topic`, its first parked capture if that one is due at `now`
    /// (`nextAttemptAt <= now`): at most `limit`, the earliest due first.
    func dueParkedCaptures(topic: String, partitions: [Int32], now: Date, limit: Int) async throws -> [ParkedCapture]

    /// The first parked capture of `lane`, if any.
    func firstParkedCapture(lane: String) async throws -> ParkedCapture?

    /// Records another failed try of a parked capture: its reason, attempts and next attempt time;
    /// and moves it to `lane` when given (it keeps its sequence, so its place among that lane's).
    func reschedule(sequence: Int64, reason: String, attempts: Int, nextAttemptAt: Date, lane: String?) async throws

    /// Removes a parked capture (its result is stored and published). Removing one that is gone is not an error.
    func unpark(sequence: Int64) async throws

    /// Makes every parked capture of `tenant` (of every tenant when nil) parked for `reason` (for any
    /// reason when nil) due at `date`. Returns how many.
    func releaseParked(tenant: String?, reason: String?, at date: Date) async throws -> Int

    /// Parked captures by tenant and reason, sorted by tenant then reason.
    func parkedSummary() async throws -> [ParkedSummary]

    /// How many captures of `tenant` are parked for `reason` in `partitions` of `topic`.
    func parkedCount(tenant: String, reason: String, topic: String, partitions: [Int32]) async throws -> Int

    /// Parked captures of `tenant` (every tenant when nil), oldest first, at most `limit`, with
    /// empty `key`, `value` and `headers` (listing them must not load images).
    func parkedCaptures(tenant: String?, limit: Int) async throws -> [ParkedCapture]
}

extension ParkingStore {
    /// Records another failed try of a parked capture, in its lane.
    public func reschedule(sequence: Int64, reason: String, attempts: Int, nextAttemptAt: Date) async throws {
        try await reschedule(sequence: sequence, reason: reason, attempts: attempts, nextAttemptAt: nextAttemptAt, lane: nil)
    }

    /// Makes every parked capture of `tenant` (of every tenant when nil) due at `date`. Returns how many.
    public func releaseParked(tenant: String?, at date: Date) async throws -> Int {
        try await releaseParked(tenant: tenant, reason: nil, at: date)
    }
}
