/// The order of steps within a transaction: what happens to a step that arrives before the ones it needs.
public struct FlowPolicy: Sendable {
    /// `EARLY_LIVENESS`: `park` holds a liveness that arrives before both ID sides until they
    /// complete; `reject` (default) rejects it with `sides_missing`.
    public var parkEarlyLiveness = false
    /// `EARLY_LIVENESS_MAX_WAIT_MS`: how long a parked early liveness waits. Default 10 min.
    public var earlyLivenessMaxWait: Duration = .seconds(600)
    /// `LINK_MAX_WAIT_MS`: how long a link that arrives before its transaction completed waits
    /// for it (parked); then it is rejected with `transaction_incomplete`. 0 rejects at once. Default 1 h.
    public var linkMaxWait: Duration = .seconds(3600)

    public init() {}
}
