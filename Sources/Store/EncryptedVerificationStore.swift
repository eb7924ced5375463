import Foundation

/// A store whose results and parked records are sealed with a ``ResultCipher`` before they reach the
/// database and opened when they are read; everything else passes through. Callers see plaintext, so
/// re-published results stay byte-identical.
public struct EncryptedVerificationStore: VerificationStore {
    let base: any VerificationStore
    let cipher: ResultCipher

    public init(_ base: any VerificationStore, cipher: ResultCipher) {
        self.base = base
        self.cipher = cipher
    }

    public func migrate() async throws { try await base.migrate() }
    public func run() async throws { try await base.run() }
    public func ping() async throws { try await base.ping() }

    public func result(forCapture captureEventID: String) async throws -> StoredResult? {
        try await base.result(forCapture: captureEventID).map(open)
    }

    public func transactionState(_ transactionID: String) async throws -> [UInt8]? {
        try await base.transactionState(transactionID)
    }

    public func lookUp(_ capture: CaptureKey) async throws -> CaptureLookup {
        var lookup = try await base.lookUp(capture)
        lookup.result = try lookup.result.map(open)
        return lookup
    }

    public func beginCall(_ capture: CaptureKey, owner: String, at date: Date, takingOverBefore cutoff: Date) async throws -> CallStart {
        try await base.beginCall(capture, owner: owner, at: date, takingOverBefore: cutoff)
    }

    public func complete(_ capture: CaptureKey, result: [UInt8], transactionState: [UInt8]?, at date: Date) async throws -> StoredResult {
        try open(await base.complete(capture, result: try cipher.seal(result), transactionState: transactionState, at: date))
    }

    public func endCall(_ capture: CaptureKey, owner: String) async throws { try await base.endCall(capture, owner: owner) }

    public func renewCall(_ capture: CaptureKey, owner: String, at date: Date) async throws -> Bool {
        try await base.renewCall(capture, owner: owner, at: date)
    }

    public func inFlightMarkers() async throws -> [InFlightMarker] { try await base.inFlightMarkers() }

    public func purge(before date: Date, limit: Int) async throws -> StorePurge { try await base.purge(before: date, limit: limit) }

    public func discardResult(forCapture captureEventID: String) async throws -> Bool {
        try await base.discardResult(forCapture: captureEventID)
    }

    public func reportOwnership(_ ownership: PartitionOwnership, at date: Date, forgetBefore: Date) async throws {
        try await base.reportOwnership(ownership, at: date, forgetBefore: forgetBefore)
    }

    public func partitionOwners(group: String, topic: String, since: Date) async throws -> [PartitionOwnership] {
        try await base.partitionOwners(group: group, topic: topic, since: since)
    }

    // MARK: - Parking: record key, value and headers are sealed like results.

    public func park(_ capture: ParkedCapture) async throws -> ParkedCapture {
        var sealed = capture
        sealed.key = try capture.key.map(cipher.seal)
        sealed.value = try cipher.seal(capture.value)
        sealed.headers = try cipher.seal(capture.headers)
        return try open(await base.park(sealed))
    }

    public func parkedLanes(topic: String, partitions: [Int32]) async throws -> Set<String> {
        try await base.parkedLanes(topic: topic, partitions: partitions)
    }

    public func dueParkedCaptures(topic: String, partitions: [Int32], now: Date, limit: Int) async throws -> [ParkedCapture] {
        try await base.dueParkedCaptures(topic: topic, partitions: partitions, now: now, limit: limit).map(open)
    }

    public func firstParkedCapture(lane: String) async throws -> ParkedCapture? {
        try await base.firstParkedCapture(lane: lane).map(open)
    }

    public func reschedule(sequence: Int64, reason: String, attempts: Int, nextAttemptAt: Date, lane: String?) async throws {
        try await base.reschedule(sequence: sequence, reason: reason, attempts: attempts, nextAttemptAt: nextAttemptAt, lane: lane)
    }

    public func unpark(sequence: Int64) async throws { try await base.unpark(sequence: sequence) }

    public func releaseParked(tenant: String?, reason: String?, at date: Date) async throws -> Int {
        try await base.releaseParked(tenant: tenant, reason: reason, at: date)
    }

    /// Byte counts are of the sealed images.
    public func parkedSummary() async throws -> [ParkedSummary] { try await base.parkedSummary() }

    public func parkedCount(tenant: String, reason: String, topic: String, partitions: [Int32]) async throws -> Int {
        try await base.parkedCount(tenant: tenant, reason: reason, topic: topic, partitions: partitions)
    }

    public func exchangeRateShare(
        tenant: String, _ decide: @escaping @Sendable ([RateShareLease], Date) throws -> RateShareExchange
    ) async throws -> RateShareExchange {
        try await base.exchangeRateShare(tenant: tenant, decide)
    }

    /// Images are empty in a listing: nothing to open.
    public func parkedCaptures(tenant: String?, limit: Int) async throws -> [ParkedCapture] {
        try await base.parkedCaptures(tenant: tenant, limit: limit)
    }

    private func open(_ stored: ParkedCapture) throws -> ParkedCapture {
        var stored = stored
        stored.key = try stored.key.map(cipher.open)
        stored.value = try cipher.open(stored.value)
        stored.headers = try cipher.open(stored.headers)
        return stored
    }

    private func open(_ stored: StoredResult) throws -> StoredResult {
        var stored = stored
        stored.result = try cipher.open(stored.result)
        return stored
    }
}
