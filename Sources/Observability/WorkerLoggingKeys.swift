/// Logging metadata keys of the worker: identifiers only, never personal data.
package enum WorkerLoggingKeys {
    package static let transactionID = "transactionId"
    package static let eventID = "eventId"
    package static let step = "step"
    package static let topic = "topic"
    package static let partition = "partition"
    package static let offset = "offset"
    package static let outcome = "outcome"
    package static let reason = "reason"
    package static let tenant = "tenant"
    package static let attempts = "attempts"
    package static let errorCode = "errorCode"
    package static let errorType = "errorType"
}
