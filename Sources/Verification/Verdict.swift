/// A result's `verdict`: the transaction's state as of that result, for contract creation to act on.
public struct Verdict: Hashable, Sendable, Codable {
    public var status: VerdictStatus
    /// Why the transaction is not (yet) verified; `nil` when nothing is wrong.
    public var reason: VerdictReason?
    /// Vlens's `error_code` behind the reason, when there is one.
    public var vlensErrorCode: String?
    /// Whether a new capture of the step can change the outcome (``VerdictReason/isRetryable``;
    /// false when there is no reason).
    public var retryable: Bool

    public init(status: VerdictStatus, reason: VerdictReason? = nil, vlensErrorCode: String? = nil) {
        self.status = status
        self.reason = reason
        self.vlensErrorCode = vlensErrorCode
        self.retryable = reason?.isRetryable ?? false
    }
}
