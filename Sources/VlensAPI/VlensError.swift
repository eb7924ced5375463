/// A failed Vlens call, classified: worth retrying, rejected by Vlens, a credentials problem, or a bad request.
///
/// `code` is bounded and fit for a metric label. `description` never carries images, tokens, ID numbers,
/// names or addresses: it is built from the step, the code and the numbers only.
public struct VlensError: Error, Sendable, CustomStringConvertible {
    /// Bounded error code, e.g. `timeout`, `http_503`, `rate_limited`, `image_quality`, `spoof`.
    public var code: Code
    /// What the caller should do about it.
    public var category: Category
    /// The step that failed.
    public var step: VlensStep?
    /// HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// Vlens's `error_code`, when the envelope had one.
    public var vlensErrorCode: Int?
    /// `Retry-After` of a 429 (or 503), when the server sent one.
    public var retryAfter: Duration?
    /// The decoded response, when there was one (a spoofed document still carries OCR data).
    public var response: VlensStepResponse?

    /// Retry the same call (same `request_id`) later: connection errors, time-outs, 5xx, 429.
    public var isRetryable: Bool { category == .retryable }

    public init(
        code: Code, category: Category, step: VlensStep? = nil, httpStatus: Int? = nil, vlensErrorCode: Int? = nil,
        retryAfter: Duration? = nil, response: VlensStepResponse? = nil
    ) {
        self.code = code
        self.category = category
        self.step = step
        self.httpStatus = httpStatus
        self.vlensErrorCode = vlensErrorCode
        self.retryAfter = retryAfter
        self.response = response
    }

    /// A message for people: the step, the code, the status, and what to do.
    public var description: String {
        var text = "Vlens \(step?.label ?? "call") failed: \(code)"
        if let httpStatus { text += " (HTTP \(httpStatus)" + (vlensErrorCode.map { ", error_code \($0)" } ?? "") + ")" }
        else if let vlensErrorCode { text += " (error_code \(vlensErrorCode))" }
        switch category {
        case .retryable: text += "; retry later" + (retryAfter.map { " (after \($0))" } ?? "")
        case .rejected: text += "; Vlens rejected the capture, retrying will not help"
        case .credentials: text += "; check the ApiKey and the user or admin token"
        case .invalidRequest: text += "; the request is invalid, fix the caller"
        default: text += "; the response was not understood"
        }
        return text
    }

    /// Bounded error code, fit for a metric label.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        // Transport
        public static let timeout = Code("timeout")
        public static let connection = Code("connection")
        // HTTP
        public static let http500 = Code("http_500")
        public static let http502 = Code("http_502")
        public static let http503 = Code("http_503")
        public static let http504 = Code("http_504")
        public static let http5xx = Code("http_5xx")
        public static let rateLimited = Code("rate_limited")
        public static let unauthorized = Code("unauthorized")
        public static let forbidden = Code("forbidden")
        public static let badRequest = Code("bad_request")
        public static let notFound = Code("not_found")
        public static let unsupportedMediaType = Code("unsupported_media_type")
        public static let http4xx = Code("http_4xx")
        // Vlens business outcomes
        public static let imageQuality = Code("image_quality")
        public static let cardNotDetected = Code("card_not_detected")
        public static let expiredID = Code("expired_id")
        public static let idMismatch = Code("id_mismatch")
        public static let nameMismatch = Code("name_mismatch")
        public static let invalidMRZ = Code("invalid_mrz")
        public static let validation = Code("validation")
        public static let dateFormat = Code("date_format")
        public static let spoof = Code("spoof")
        public static let livenessFailed = Code("liveness_failed")
        /// An `error_code` the client does not know, on an otherwise successful response.
        public static let vlensOther = Code("vlens_other")
        // Responses
        public static let decoding = Code("decoding")
        public static let responseTooLarge = Code("response_too_large")
        public static let unexpectedStatus = Code("unexpected_status")
    }

    /// What to do about an error.
    public struct Category: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Transient: retry the same call later.
        public static let retryable = Category("retryable")
        /// Vlens answered and rejected the capture (image quality, expired ID, spoof...): final.
        public static let rejected = Category("rejected")
        /// 401/403: the ApiKey or token is wrong or lacks permission; a configuration problem.
        public static let credentials = Category("credentials")
        /// 400 and other 4xx: the request itself is wrong.
        public static let invalidRequest = Category("invalid_request")
        /// The response could not be understood.
        public static let invalidResponse = Category("invalid_response")
    }
}
