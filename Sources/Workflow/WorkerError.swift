/// A failure the worker cannot resolve by itself right now; the engine retries the record.
public struct WorkerError: Error, CustomStringConvertible, Sendable {
    /// A bounded code, fit for a metric label.
    public var code: String
    public var message: String

    public var description: String { "\(code): \(message)" }

    package static func claimCheckUnavailable(_ reason: String) -> WorkerError {
        WorkerError(code: "claim_check_unavailable", message: reason)
    }
}
