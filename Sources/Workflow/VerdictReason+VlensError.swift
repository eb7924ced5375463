import Verification
import VlensAPI

extension VerdictReason {
    /// The reason behind a Vlens answer that refused a step (every error code and status in
    /// `vlens-api-notes.md`; the README's "Verdict reasons" table).
    ///
    /// - Parameter userTokenSent: the call carried the capture's user token and Vlens has accepted
    ///   the tenant's ApiKey before, so a 401 is about that token rather than the ApiKey.
    package init(refusal error: VlensError, userTokenSent: Bool) {
        switch error.code {
        case .imageQuality: self = .imageQuality
        case .cardNotDetected: self = .cardNotDetected
        case .expiredID: self = .idExpired
        case .idMismatch: self = .idNumberMismatch
        case .nameMismatch: self = .nameMismatch
        case .validation, .dateFormat, .invalidMRZ: self = .documentInvalid
        case .spoof: self = .spoofDetected
        case .livenessFailed: self = .livenessFailed
        case .unauthorized: self = userTokenSent ? .userTokenRejected : .credentialsRejected
        case .forbidden: self = .credentialsRejected
        default:
            // Unreadable answers are retried like outages; what is left is a request Vlens will not take.
            self = error.category == .retryable || error.category == .invalidResponse ? .vlensUnavailable : .vlensError
        }
    }
}
