/// `verification-status` v1 (`schemas/verification-status.v1.schema.json`): a transaction's
/// current state, one record per result on a compacted topic keyed by `transactionId`, so that
/// contract creation can read the topic as a table.
///
/// It is derived from the stored result alone, so a re-published result re-publishes the same
/// status record, byte for byte. Readers keep the record with the highest `sequence`.
public struct TransactionStatus: Hashable, Sendable, ContractEvent {
    public var transactionId: String
    public var tenant: String?
    public var vlensTransactionId: String?
    public var verdict: Verdict
    /// The verdict is `verified` or `not_verified` and will not change.
    public var isFinal: Bool
    public var stepsCompleted: [CaptureStep]
    public var userLinked: Bool
    /// The sequence of the result this state is as of.
    public var sequence: Int
    /// That result's `eventId`.
    public var lastResultId: String
    /// That result's `timings.completedAt`.
    public var updatedAt: Timestamp

    /// The transaction's state as of `result`.
    public init(result: VerificationResult) {
        transactionId = result.transactionId
        tenant = result.tenant
        vlensTransactionId = result.vlensTransactionId
        verdict = result.verdict
        isFinal = result.isFinal
        stepsCompleted = result.stepsCompleted
        userLinked = result.userLinked
        sequence = result.sequence
        lastResultId = result.eventId
        updatedAt = result.timings.completedAt
    }

    private enum CodingKeys: String, CodingKey {
        case transactionId, tenant, vlensTransactionId, verdict
        case isFinal = "final"
        case stepsCompleted, userLinked, sequence, lastResultId, updatedAt
    }
}
