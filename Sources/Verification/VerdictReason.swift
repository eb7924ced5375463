/// Why a transaction is not (yet) verified: a closed set, each reason with one documented effect.
///
/// ``effect`` and ``isRetryable`` are the table in `schemas/README.md` ("Verdict reasons"); the
/// tests walk the same table.
public struct VerdictReason: ClosedStringSet {
    enum Backing: String, CaseIterable, Sendable {
        case spoofDetected = "spoof_detected"
        case livenessFailed = "liveness_failed"
        case facesIdentical = "faces_identical"
        case facesTooFarApart = "faces_too_far_apart"
        case idExpired = "id_expired"
        case cardNotDetected = "card_not_detected"
        case imageQuality = "image_quality"
        case documentInvalid = "document_invalid"
        case idNumberMismatch = "id_number_mismatch"
        case nameMismatch = "name_mismatch"
        case authorityCheckFailed = "authority_check_failed"
        case amlMatch = "aml_match"
        case sidesMissing = "sides_missing"
        case transactionIncomplete = "transaction_incomplete"
        case userNotLinked = "user_not_linked"
        case userTokenRejected = "user_token_rejected"
        case credentialsRejected = "credentials_rejected"
        case vlensUnavailable = "vlens_unavailable"
        case vlensError = "vlens_error"
        case imageHostUnavailable = "image_host_unavailable"
        case invalidCapture = "invalid_capture"
    }

    let backing: Backing

    init(_ backing: Backing) { self.backing = backing }

    /// `services.spoofing.fake`: a photocopy or a digital reproduction.
    public static let spoofDetected = VerdictReason(.spoofDetected)
    /// `services.liveness` false on the liveness step.
    public static let livenessFailed = VerdictReason(.livenessFailed)
    /// Local pre-check: two liveness faces are identical.
    public static let facesIdentical = VerdictReason(.facesIdentical)
    /// Local pre-check: the faces were captured more than 0.5 s apart.
    public static let facesTooFarApart = VerdictReason(.facesTooFarApart)
    /// Vlens `error_code` 3010.
    public static let idExpired = VerdictReason(.idExpired)
    /// Vlens `error_code` 3011.
    public static let cardNotDetected = VerdictReason(.cardNotDetected)
    /// Vlens `error_code` 1050 (1000–1999).
    public static let imageQuality = VerdictReason(.imageQuality)
    /// Vlens `error_code` 3001–3009 or 3013, or HTTP 422 without a known code.
    public static let documentInvalid = VerdictReason(.documentInvalid)
    /// Vlens `error_code` 3101: the ID number differs between front and back.
    public static let idNumberMismatch = VerdictReason(.idNumberMismatch)
    /// Vlens `error_code` 3102.
    public static let nameMismatch = VerdictReason(.nameMismatch)
    /// `services.SRC.isValid` false, or the process completed without identity verification (NTRA/CSO).
    public static let authorityCheckFailed = VerdictReason(.authorityCheckFailed)
    /// `services.AML.AML_matched`.
    public static let amlMatch = VerdictReason(.amlMatch)
    /// Liveness before both ID sides succeeded.
    public static let sidesMissing = VerdictReason(.sidesMissing)
    /// A link before its transaction completed (after waiting for it), or a liveness (or a link
    /// after it) Vlens answered without completing the verification process (`isVerificationProcessCompleted` and
    /// `isDigitalIdentityVerified` false or absent).
    public static let transactionIncomplete = VerdictReason(.transactionIncomplete)
    /// Vlens verified an API-key-only transaction; it waits for a link to a user.
    public static let userNotLinked = VerdictReason(.userNotLinked)
    /// HTTP 401 for a capture sent with its user token (expired or revoked).
    public static let userTokenRejected = VerdictReason(.userTokenRejected)
    /// HTTP 401 without a user token (the ApiKey), or HTTP 403.
    public static let credentialsRejected = VerdictReason(.credentialsRejected)
    /// 5xx, time-outs, connection failures or 429s past the retry and parking budgets.
    public static let vlensUnavailable = VerdictReason(.vlensUnavailable)
    /// An unknown `error_code`, HTTP 400/404/415 or another 4xx, or a response not understood.
    public static let vlensError = VerdictReason(.vlensError)
    /// A claim-check image host kept failing past the parking budget.
    public static let imageHostUnavailable = VerdictReason(.imageHostUnavailable)
    /// The capture broke its schema.
    public static let invalidCapture = VerdictReason(.invalidCapture)

    public static let allCases = Backing.allCases.map(VerdictReason.init)

    /// What a reason does to the transaction.
    public enum Effect: Hashable, Sendable {
        /// The step stays open: the transaction is `pending`.
        case keepsOpen
        /// Vlens judged the person or document: the transaction is `not_verified`, final.
        case settlesNotVerified
        /// No answer could be had: the transaction is `failed` until a step succeeds; not final.
        case fails
    }

    /// The reason's effect on the transaction.
    public var effect: Effect {
        switch backing {
        case .spoofDetected, .idExpired, .nameMismatch, .authorityCheckFailed, .amlMatch: .settlesNotVerified
        case .credentialsRejected, .vlensUnavailable, .vlensError, .imageHostUnavailable: .fails
        default: .keepsOpen
        }
    }

    /// Whether a new capture of the step can change the outcome.
    public var isRetryable: Bool {
        switch backing {
        case .spoofDetected, .idExpired, .nameMismatch, .authorityCheckFailed, .amlMatch: false
        case .credentialsRejected, .vlensError: false
        default: true
        }
    }

    public var rawValue: String { backing.rawValue }

    public init?(rawValue: String) {
        guard let backing = Backing(rawValue: rawValue) else { return nil }
        self.backing = backing
    }
}
