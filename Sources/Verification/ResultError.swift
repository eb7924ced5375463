/// Why a result's outcome is not `succeeded`. The message names fields and steps, never values.
public struct ResultError: Hashable, Sendable, Codable {
    /// A bounded, machine-readable code; new codes may be added within v1.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Vlens said no (`vlensErrorCode` says why).
        public static let vlensRejected = Code(rawValue: "vlens_rejected")
        /// Liveness came before both ID sides succeeded (`missingSteps` says which).
        public static let livenessSidesMissing = Code(rawValue: "liveness_sides_missing")
        /// Two or more liveness faces are identical.
        public static let facesIdentical = Code(rawValue: "faces_identical")
        /// The liveness faces were captured more than 0.5 s apart.
        public static let facesSpanExceeded = Code(rawValue: "faces_span_exceeded")
        /// The transaction is already final; the step was not sent to Vlens.
        public static let transactionFinal = Code(rawValue: "transaction_final")
        /// No Vlens transaction id is known for a step that needs one.
        public static let vlensTransactionUnknown = Code(rawValue: "vlens_transaction_unknown")
        /// A link came before its transaction completed, and waited for it in vain.
        public static let transactionIncomplete = Code(rawValue: "transaction_incomplete")
        /// Vlens refused the capture's user token (HTTP 401).
        public static let userTokenRejected = Code(rawValue: "user_token_rejected")
        /// Vlens kept failing until the retry budget was exhausted.
        public static let retriesExhausted = Code(rawValue: "retries_exhausted")
        /// Vlens failed in a way retrying cannot fix.
        public static let vlensError = Code(rawValue: "vlens_error")
        /// The capture event was malformed or broke its schema (`field` says where).
        public static let invalidEvent = Code(rawValue: "invalid_event")
    }

    public var code: Code
    /// For people; never contains values.
    public var message: String
    /// Whether a new capture of the step can change the outcome (the table of ``VerdictReason``).
    public var retryable: Bool
    /// Vlens's `error_code`, when Vlens gave one.
    public var vlensErrorCode: String?
    /// The last HTTP status from Vlens, when there was one.
    public var httpStatus: Int?
    /// The steps that must succeed first.
    public var missingSteps: [CaptureStep]?
    /// The offending field of an invalid capture.
    public var field: String?

    public init(
        code: Code,
        message: String,
        retryable: Bool,
        vlensErrorCode: String? = nil,
        httpStatus: Int? = nil,
        missingSteps: [CaptureStep]? = nil,
        field: String? = nil
    ) {
        self.code = code
        self.message = message
        self.retryable = retryable
        self.vlensErrorCode = vlensErrorCode
        self.httpStatus = httpStatus
        self.missingSteps = missingSteps
        self.field = field
    }

    /// The error of an `invalid` result for a capture that broke its contract.
    public init(invalidEvent error: ContractError) {
        self.init(code: .invalidEvent, message: error.message, retryable: VerdictReason.invalidCapture.isRetryable, field: error.field)
    }
}
