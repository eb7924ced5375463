import Foundation

/// A store whose results are sealed with a ``ResultCipher`` before they reach the database and opened
/// when they are read; everything else passes through. Callers see plaintext, so re-published results
/// stay byte-identical.
public struct EncryptedVerificationStore: VerificationStore {
    let base: any VerificationStore
    let cipher: ResultCipher

    public init(_ base: any VerificationStore, cipher: ResultCipher) {
        self.base = base
        self.cipher = cipher
    }

    public func migrate() async throws { try await base.migrate() }
    public func run() async throws { try await base.run() }

    public func result(forCapture captureEventID: String) async throws -> StoredResult? {
        try await base.result(forCapture: captureEventID).map(open)
    }

    public func transactionState(_ transactionID: String) async throws -> [UInt8]? {
        try await base.transactionState(transactionID)
    }

    public func beginCall(_ capture: CaptureKey, owner: String, at date: Date) async throws -> InFlightMarker? {
        try await base.beginCall(capture, owner: owner, at: date)
    }

    public func complete(_ capture: CaptureKey, result: [UInt8], transactionState: [UInt8]?, at date: Date) async throws -> StoredResult {
        try open(await base.complete(capture, result: try cipher.seal(result), transactionState: transactionState, at: date))
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

    private func open(_ stored: StoredResult) throws -> StoredResult {
        var stored = stored
        stored.result = try cipher.open(stored.result)
        return stored
    }
}
