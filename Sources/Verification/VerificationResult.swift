/// `verification-result` v2: the result of one capture-submitted event
/// (`schemas/verification-result.v2.schema.json`), keyed by `transactionId`.
///
/// Its `eventId` is deterministic from the capture's (``eventID(forCapture:)``), so a re-published
/// result is recognisable as the same one.
public struct VerificationResult: Hashable, Sendable {
    /// A summary of Vlens's backend checks, where Vlens reported them.
    public struct Services: Hashable, Sendable, Codable {
        /// `services.liveness`.
        public var liveness: Bool?
        /// `services.spoofing.fake`.
        public var spoofingFake: Bool?
        /// `services.classification.doc_type`.
        public var docType: String?
        /// `services.SRC.isValid`.
        public var srcValid: Bool?
        /// `services.AML.AML_matched`.
        public var amlMatched: Bool?
        /// How many entries `services.AML.data` had; only where extracted data is allowed.
        public var amlMatchCount: Int?
        /// `services.SRC.errorCode`; only where extracted data is allowed.
        public var srcErrorCode: String?

        public init(
            liveness: Bool? = nil,
            spoofingFake: Bool? = nil,
            docType: String? = nil,
            srcValid: Bool? = nil,
            amlMatched: Bool? = nil,
            amlMatchCount: Int? = nil,
            srcErrorCode: String? = nil
        ) {
            self.liveness = liveness
            self.spoofingFake = spoofingFake
            self.docType = docType
            self.srcValid = srcValid
            self.amlMatched = amlMatched
            self.amlMatchCount = amlMatchCount
            self.srcErrorCode = srcErrorCode
        }

        /// The summary of a Vlens response's `services` object; `nil` when it reports none of them.
        public init?(vlensServices services: JSONValue) {
            self.init(
                liveness: services["liveness"]?.boolValue,
                spoofingFake: services["spoofing"]?["fake"]?.boolValue,
                docType: services["classification"]?["doc_type"]?.stringValue,
                srcValid: services["SRC"]?["isValid"]?.boolValue,
                amlMatched: services["AML"]?["AML_matched"]?.boolValue
            )
            if self == Services() { return nil }
        }
    }

    /// Local pre-check findings that flag without rejecting.
    public struct Checks: Hashable, Sendable, Codable {
        /// The national ID number against the date of birth and gender.
        public var idConsistency: IDConsistencyCheck?

        public init(idConsistency: IDConsistencyCheck? = nil) {
            self.idConsistency = idConsistency
        }
    }

    /// When the worker received the capture and decided the result.
    public struct Timings: Hashable, Sendable, Codable {
        public var receivedAt: Timestamp
        /// Equals the `ce_time` header.
        public var completedAt: Timestamp
        /// Milliseconds from receipt to result, retries, back-off and time parked included.
        public var totalMs: Int
        /// Milliseconds spent in Vlens calls, all attempts.
        public var vlensMs: Int?

        public init(receivedAt: Timestamp, completedAt: Timestamp, totalMs: Int, vlensMs: Int? = nil) {
            self.receivedAt = receivedAt
            self.completedAt = completedAt
            self.totalMs = totalMs
            self.vlensMs = vlensMs
        }

        /// `totalMs` from the two instants; `vlensMs` from the time spent in Vlens calls.
        public init(receivedAt: Timestamp, completedAt: Timestamp, vlensTime: Duration? = nil) {
            let total = completedAt.date.timeIntervalSince(receivedAt.date)
            self.init(
                receivedAt: receivedAt,
                completedAt: completedAt,
                totalMs: max(0, Int((total * 1000).rounded())),
                vlensMs: vlensTime.map {
                    max(0, Int($0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000))
                }
            )
        }
    }

    /// Deterministic from the capture's eventId; equals `ce_id`.
    public var eventId: String
    /// The capture's eventId.
    public var causationId: String
    /// The platform's transaction id; equals the Kafka key and `ce_subject`.
    public var transactionId: String
    /// Vlens's transaction id, once known.
    public var vlensTransactionId: String?
    /// The capture's tenant.
    public var tenant: String?
    /// The capture's step; `nil` only for an invalid capture without a readable step.
    public var step: CaptureStep?
    public var outcome: ResultOutcome
    /// True once the verdict is `verified` or `not_verified`; never false again after.
    public var isFinal: Bool
    /// The result's place in its transaction (1, 2, ...); a re-publication keeps its number.
    public var sequence: Int
    /// The transaction's verdict as of this result.
    public var verdict: Verdict
    /// Whether the transaction is tied to a user (a step sent with a user token, or a link).
    public var userLinked: Bool
    /// The steps Vlens accepted so far, in step order.
    public var stepsCompleted: [CaptureStep]
    public var verification: VerificationFlags
    public var services: Services?
    /// Vlens's OCR'd data, only when asked for and allowed. Personal data: never log it.
    public var extractedData: JSONValue?
    public var checks: Checks?
    /// Why the outcome is not `succeeded`.
    public var error: ResultError?
    /// Vlens calls made for this capture; 0 when decided locally.
    public var attempts: Int
    public var timings: Timings

    public init(
        eventId: String,
        causationId: String,
        transactionId: String,
        vlensTransactionId: String? = nil,
        tenant: String? = nil,
        step: CaptureStep?,
        outcome: ResultOutcome,
        isFinal: Bool,
        sequence: Int,
        verdict: Verdict,
        userLinked: Bool,
        stepsCompleted: [CaptureStep],
        verification: VerificationFlags,
        services: Services? = nil,
        extractedData: JSONValue? = nil,
        checks: Checks? = nil,
        error: ResultError? = nil,
        attempts: Int,
        timings: Timings
    ) {
        self.eventId = eventId
        self.causationId = causationId
        self.transactionId = transactionId
        self.vlensTransactionId = vlensTransactionId
        self.tenant = tenant
        self.step = step
        self.outcome = outcome
        self.isFinal = isFinal
        self.sequence = sequence
        self.verdict = verdict
        self.userLinked = userLinked
        self.stepsCompleted = stepsCompleted
        self.verification = verification
        self.services = services
        self.extractedData = extractedData
        self.checks = checks
        self.error = error
        self.attempts = attempts
        self.timings = timings
    }
}

extension VerificationResult: ContractEvent {
    enum CodingKeys: String, CodingKey {
        case eventId, causationId, transactionId, vlensTransactionId, tenant, step, outcome
        case isFinal = "final"
        case sequence, verdict, userLinked, stepsCompleted
        case verification, services, extractedData, checks, error, attempts, timings
    }
}

extension VerificationResult: CustomStringConvertible {
    /// Identifiers, step and outcome only: never extracted data.
    public var description: String {
        "VerificationResult(eventId: \(eventId), causationId: \(causationId), transactionId: \(transactionId), "
            + "step: \(step?.rawValue ?? "-"), outcome: \(outcome), final: \(isFinal), sequence: \(sequence), verdict: \(verdict.status))"
    }
}
