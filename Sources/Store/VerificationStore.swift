import Foundation

/// Durable state of the verification workflow: the idempotency record of every capture,
/// the per-transaction state, and in-flight markers for Vlens calls.
///
/// Two implementations share this contract: ``SQLiteVerificationStore`` (the embedded default,
/// one file, one worker instance) and ``PostgresVerificationStore`` (several instances).
/// Payloads are opaque bytes (JSON written by the workflow): the store knows keys, not domain types.
public protocol VerificationStore: ParkingStore, RateShareStore {
    /// Creates or upgrades the schema. Safe to call from several instances at once.
    func migrate() async throws

    /// Runs the store's background work (connection pools) until cancelled.
    func run() async throws

    /// Runs the cheapest statement the database answers (`SELECT 1`): throws while it cannot be
    /// reached. A pool waiting for a connection may make it wait rather than throw.
    func ping() async throws

    /// The stored result of a capture, if the capture completed before.
    func result(forCapture captureEventID: String) async throws -> StoredResult?

    /// The stored state of one transaction (the Kafka key), if any step of it completed before.
    func transactionState(_ transactionID: String) async throws -> [UInt8]?

    /// The capture's stored result and its transaction's state, read together.
    func lookUp(_ capture: CaptureKey) async throws -> CaptureLookup

    /// Records that a Vlens call for `capture` is about to be made by `owner`, in one atomic step.
    ///
    /// A marker another owner set at or after `takingOverBefore` is left alone: that call may still
    /// be running (a worker that lost the partition mid-call), and calling again would make Vlens
    /// process the capture twice. The caller waits and tries again. `.distantFuture` always takes over.
    /// Nothing is written either when the capture's result is stored by now (``CallStart/completed``).
    ///
    /// - Returns: ``CallStart/started(previous:)`` with the marker of an earlier attempt that never
    ///   completed (a crash mid-call), or ``CallStart/heldElsewhere(_:)`` with the live marker.
    func beginCall(_ capture: CaptureKey, owner: String, at date: Date, takingOverBefore cutoff: Date) async throws -> CallStart

    /// Moves the start of `owner`'s in-flight marker to `date` (its call is still being made: a
    /// long wait for the rate limit, retries). Returns false when the marker is no longer `owner`'s
    /// (another worker took the capture over, or it completed): `owner` must not send.
    func renewCall(_ capture: CaptureKey, owner: String, at date: Date) async throws -> Bool

    /// Atomically stores the capture's result and the transaction's new state, and clears the
    /// capture's in-flight marker.
    ///
    /// - Returns: the result that is now stored; when another writer stored one first, that
    ///   earlier result (so every publisher publishes the same bytes).
    func complete(_ capture: CaptureKey, result: [UInt8], transactionState: [UInt8]?, at date: Date) async throws -> StoredResult

    /// Clears the in-flight marker of a call that is known not to have been processed (Vlens
    /// answered with an error status, or nothing was sent), so trying the capture again later is
    /// not counted as an uncertain repeat. Only `owner`'s marker is cleared: another worker may have
    /// taken the capture over since.
    func endCall(_ capture: CaptureKey, owner: String) async throws

    /// Every in-flight marker: calls that started and have not completed.
    func inFlightMarkers() async throws -> [InFlightMarker]

    /// Retention: deletes at most `limit` rows of each table that were last written before `date`
    /// (results, transaction states, in-flight markers, ownership reports). Returns the rows deleted
    /// per table; call again while any table reports `limit`.
    func purge(before date: Date, limit: Int) async throws -> StorePurge
    /// Deletes one capture's stored result, so the capture can be attempted again (a `failed`
    /// capture redriven from the dead-letter topic). Returns whether there was one.
    func discardResult(forCapture captureEventID: String) async throws -> Bool

    /// Records which partitions an instance processes now (replacing its earlier report), and
    /// forgets reports older than `forgetBefore`.
    func reportOwnership(_ ownership: PartitionOwnership, at date: Date, forgetBefore: Date) async throws
    /// The latest report of every instance of `group` on `topic` made at or after `since`.
    func partitionOwners(group: String, topic: String, since: Date) async throws -> [PartitionOwnership]
}

/// Identifies one capture event and what it belongs to.
public struct CaptureKey: Sendable, Hashable {
    /// The capture event's `eventId`: the idempotency key.
    public var captureEventID: String
    /// The platform's transaction id (the Kafka key).
    public var transactionID: String
    /// The step, e.g. `id_front`.
    public var step: String

    public init(captureEventID: String, transactionID: String, step: String) {
        self.captureEventID = captureEventID
        self.transactionID = transactionID
        self.step = step
    }
}

/// A capture's stored result.
public struct StoredResult: Sendable, Equatable {
    public var captureEventID: String
    public var transactionID: String
    public var step: String
    /// The result payload exactly as first published.
    public var result: [UInt8]
    public var completedAt: Date

    public init(captureEventID: String, transactionID: String, step: String, result: [UInt8], completedAt: Date) {
        self.captureEventID = captureEventID
        self.transactionID = transactionID
        self.step = step
        self.result = result
        self.completedAt = completedAt
    }
}

/// What ``VerificationStore/beginCall(_:owner:at:takingOverBefore:)`` did.
public enum CallStart: Sendable, Equatable {
    /// The marker is this owner's now; `previous` is the attempt it replaced, if any.
    case started(previous: InFlightMarker?)
    /// Another owner's call started recently and may still be running; nothing was written.
    case heldElsewhere(InFlightMarker)
    /// The capture's result is stored (another worker completed it since it was looked up); nothing
    /// was written, and the stored result is the one to publish.
    case completed
}

/// A Vlens call that started and has not completed.
public struct InFlightMarker: Sendable, Equatable {
    public var capture: CaptureKey
    /// The worker instance that started the call.
    public var owner: String
    public var startedAt: Date
    /// How many calls have been started for this capture, including this one.
    public var attempts: Int

    public init(capture: CaptureKey, owner: String, startedAt: Date, attempts: Int) {
        self.capture = capture
        self.owner = owner
        self.startedAt = startedAt
        self.attempts = attempts
    }
}
