/// Logging metadata keys of the worker: identifiers only, never personal data.
enum WorkerLoggingKeys {
    static let transactionID = "transactionId"
    static let eventID = "eventId"
    static let step = "step"
    static let topic = "topic"
    static let partition = "partition"
    static let offset = "offset"
    static let outcome = "outcome"
    static let reason = "reason"
    static let tenant = "tenant"
    static let attempts = "attempts"
    static let errorCode = "errorCode"
    static let errorType = "errorType"
}
