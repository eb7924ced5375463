import Foundation

extension VlensError {
    /// Business error codes from Vlens's documentation, and what they mean.
    static func businessCode(for vlensCode: Int) -> Code? {
        switch vlensCode {
        case 1000...1999: .imageQuality
        case 3001...3006: .validation
        case 3007...3009: .dateFormat
        case 3010: .expiredID
        case 3011: .cardNotDetected
        case 3013: .invalidMRZ
        case 3101: .idMismatch
        case 3102: .nameMismatch
        default: nil
        }
    }

    /// Classifies a response. A 429 is the rate limit whatever its body says (the call was not
    /// judged); then the envelope decides: a known `error_code` is a rejection whatever the status;
    /// then the status; then, on success, the `services` verdicts (spoof, failed liveness).
    /// Returns `nil` for a response that is a success.
    static func classify(
        step: VlensStep, status: Int, retryAfterHeader: String?, response: VlensStepResponse?
    ) -> VlensError? {
        let vlensCode = response?.errorCode
        func error(_ code: Code, _ category: Category, retryAfter: Duration? = nil) -> VlensError {
            VlensError(
                code: code, category: category, step: step, httpStatus: status, vlensErrorCode: vlensCode,
                retryAfter: retryAfter, response: response)
        }
        if status == 429 {
            return error(.rateLimited, .retryable, retryAfter: parseRetryAfter(retryAfterHeader))
        }
        if let vlensCode, let code = businessCode(for: vlensCode) {
            return error(code, .rejected)
        }
        switch status {
        case 200..<300:
            guard let response else { return error(.decoding, .invalidResponse) }
            if response.setsErrorCode { return error(.vlensOther, .rejected) }
            if response.services.isFake == true { return error(.spoof, .rejected) }
            if step == .liveness, response.services.liveness == false { return error(.livenessFailed, .rejected) }
            return nil
        case 401: return error(.unauthorized, .credentials)
        case 403: return error(.forbidden, .credentials)
        case 400: return error(.badRequest, .invalidRequest)
        case 404: return error(.notFound, .invalidRequest)
        case 415: return error(.unsupportedMediaType, .invalidRequest)
        case 422: return error(.validation, .rejected)
        case 400..<500: return error(.http4xx, .invalidRequest)
        case 500: return error(.http500, .retryable)
        case 502: return error(.http502, .retryable)
        case 503: return error(.http503, .retryable, retryAfter: parseRetryAfter(retryAfterHeader))
        case 504: return error(.http504, .retryable)
        case 500..<600: return error(.http5xx, .retryable)
        default: return error(.unexpectedStatus, .invalidResponse)
        }
    }

    /// `Retry-After` as delay-seconds (whole, or with a fraction as some gateways send) or an HTTP date.
    static func parseRetryAfter(_ header: String?, now: Date = Date()) -> Duration? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        if let seconds = Int(header) { return .seconds(max(0, seconds)) }
        if let seconds = Double(header), seconds.isFinite { return .milliseconds(Int64(max(0, min(seconds, 86_400)) * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: header) else { return nil }
        return .milliseconds(max(0, Int64(date.timeIntervalSince(now) * 1000)))
    }
}
