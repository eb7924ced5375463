import VlensAPI
/// Faults the simulator injects into Vlens calls; set at start-up and changed at runtime with
/// `PUT /_simulator/faults` (the same JSON this type encodes to).
///
/// Rates are probabilities in `0...1`, drawn independently per call in the order reset, hang, 500,
/// 503, 429, 429-without-Retry-After, huge, truncated, not JSON; a call none of those hit may then
/// lose its reply after it was processed (reset, hang, stalled half-way). `steps` limits injection to some steps; `budget` stops
/// injecting after that many faults (so "fail the next two calls" is `rate 1, budget 2`).
public struct SimulatorFaults: Sendable, Hashable, Codable {
    public var latency: LatencyDistribution
    public var error500Rate: Double
    public var error503Rate: Double
    /// 429 with `Retry-After: retryAfterSeconds`.
    public var error429Rate: Double
    /// 429 without `Retry-After`.
    public var error429NoRetryAfterRate: Double
    public var retryAfterSeconds: Int
    /// Requests that never answer (until `hangSeconds`, then 504, or until the server stops).
    public var hangRate: Double
    public var hangSeconds: Int
    /// Connections reset (TCP RST) instead of answering.
    public var resetRate: Double
    /// 200 answers that are unusable: a body larger than any client should read (40 MB), a JSON
    /// body cut off half-way, or an HTML page. The step is not processed (a broken proxy).
    public var hugeResponseRate: Double
    public var truncatedResponseRate: Double
    public var nonJSONResponseRate: Double
    /// Calls Vlens processes and whose answer is then lost: the connection is reset after the step
    /// ran, or the answer never comes (until `hangSeconds`). The ledger records the call as processed,
    /// with `reply_lost`: a client that tries again makes a real second call.
    public var replyLostResetRate: Double
    public var replyLostHangRate: Double
    /// Calls Vlens processes whose answer then stalls: the head and the first half of the body are
    /// sent, the rest only after `hangSeconds`.
    public var replyStalledRate: Double
    /// Step names to inject into (`id_front`, `id_back`, `liveness`, `link`, `user_images`, `step_image`); `nil`: all.
    public var steps: [String]?
    /// Faults left to inject; `nil`: no limit. Decremented by each injected error, hang or reset.
    public var budget: Int?
    /// Per-ApiKey rate limit.
    public var rateLimit: RateLimit
    /// Whether a 429 from the limiter carries `Retry-After` (seconds until the window resets). JSON:
    /// `"rate_limit": {"sends_retry_after": false}`, beside the limit's own keys.
    public var rateLimitSendsRetryAfter: Bool

    public init(
        latency: LatencyDistribution = .none,
        error500Rate: Double = 0,
        error503Rate: Double = 0,
        error429Rate: Double = 0,
        error429NoRetryAfterRate: Double = 0,
        retryAfterSeconds: Int = 1,
        hangRate: Double = 0,
        hangSeconds: Int = 3600,
        resetRate: Double = 0,
        hugeResponseRate: Double = 0,
        truncatedResponseRate: Double = 0,
        nonJSONResponseRate: Double = 0,
        replyLostResetRate: Double = 0,
        replyLostHangRate: Double = 0,
        replyStalledRate: Double = 0,
        steps: [String]? = nil,
        budget: Int? = nil,
        rateLimit: RateLimit = .vlensDefault,
        rateLimitSendsRetryAfter: Bool = true
    ) {
        self.latency = latency
        self.error500Rate = error500Rate
        self.error503Rate = error503Rate
        self.error429Rate = error429Rate
        self.error429NoRetryAfterRate = error429NoRetryAfterRate
        self.retryAfterSeconds = retryAfterSeconds
        self.hangRate = hangRate
        self.hangSeconds = hangSeconds
        self.resetRate = resetRate
        self.hugeResponseRate = hugeResponseRate
        self.truncatedResponseRate = truncatedResponseRate
        self.nonJSONResponseRate = nonJSONResponseRate
        self.replyLostResetRate = replyLostResetRate
        self.replyLostHangRate = replyLostHangRate
        self.replyStalledRate = replyStalledRate
        self.steps = steps
        self.budget = budget
        self.rateLimit = rateLimit
        self.rateLimitSendsRetryAfter = rateLimitSendsRetryAfter
    }

    enum CodingKeys: String, CodingKey {
        case latency, steps, budget
        case error500Rate = "error_500_rate", error503Rate = "error_503_rate"
        case error429Rate = "error_429_rate", error429NoRetryAfterRate = "error_429_no_retry_after_rate"
        case retryAfterSeconds = "retry_after_seconds", hangRate = "hang_rate", hangSeconds = "hang_seconds"
        case resetRate = "reset_rate", rateLimit = "rate_limit"
        case hugeResponseRate = "huge_response_rate", truncatedResponseRate = "truncated_response_rate"
        case nonJSONResponseRate = "non_json_response_rate"
        case replyLostResetRate = "reply_lost_reset_rate", replyLostHangRate = "reply_lost_hang_rate"
        case replyStalledRate = "reply_stalled_rate"
    }

    /// Decodes leniently: absent keys take their defaults, so `{"error_503_rate":1}` is a complete document.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SimulatorFaults()
        self.latency = try c.decodeIfPresent(LatencyDistribution.self, forKey: .latency) ?? defaults.latency
        self.error500Rate = try c.decodeIfPresent(Double.self, forKey: .error500Rate) ?? 0
        self.error503Rate = try c.decodeIfPresent(Double.self, forKey: .error503Rate) ?? 0
        self.error429Rate = try c.decodeIfPresent(Double.self, forKey: .error429Rate) ?? 0
        self.error429NoRetryAfterRate = try c.decodeIfPresent(Double.self, forKey: .error429NoRetryAfterRate) ?? 0
        self.retryAfterSeconds = try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? defaults.retryAfterSeconds
        self.hangRate = try c.decodeIfPresent(Double.self, forKey: .hangRate) ?? 0
        self.hangSeconds = try c.decodeIfPresent(Int.self, forKey: .hangSeconds) ?? defaults.hangSeconds
        self.resetRate = try c.decodeIfPresent(Double.self, forKey: .resetRate) ?? 0
        self.hugeResponseRate = try c.decodeIfPresent(Double.self, forKey: .hugeResponseRate) ?? 0
        self.truncatedResponseRate = try c.decodeIfPresent(Double.self, forKey: .truncatedResponseRate) ?? 0
        self.nonJSONResponseRate = try c.decodeIfPresent(Double.self, forKey: .nonJSONResponseRate) ?? 0
        self.replyLostResetRate = try c.decodeIfPresent(Double.self, forKey: .replyLostResetRate) ?? 0
        self.replyLostHangRate = try c.decodeIfPresent(Double.self, forKey: .replyLostHangRate) ?? 0
        self.replyStalledRate = try c.decodeIfPresent(Double.self, forKey: .replyStalledRate) ?? 0
        self.steps = try c.decodeIfPresent([String].self, forKey: .steps)
        self.budget = try c.decodeIfPresent(Int.self, forKey: .budget)
        self.rateLimit = try c.decodeIfPresent(RateLimit.self, forKey: .rateLimit) ?? defaults.rateLimit
        let retryAfter = c.contains(.rateLimit) ? try? c.nestedContainer(keyedBy: RetryAfterKey.self, forKey: .rateLimit) : nil
        self.rateLimitSendsRetryAfter = try retryAfter?.decodeIfPresent(Bool.self, forKey: .sendsRetryAfter) ?? true
    }

    private enum RetryAfterKey: String, CodingKey { case sendsRetryAfter = "sends_retry_after" }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(latency, forKey: .latency)
        try c.encode(error500Rate, forKey: .error500Rate)
        try c.encode(error503Rate, forKey: .error503Rate)
        try c.encode(error429Rate, forKey: .error429Rate)
        try c.encode(error429NoRetryAfterRate, forKey: .error429NoRetryAfterRate)
        try c.encode(retryAfterSeconds, forKey: .retryAfterSeconds)
        try c.encode(hangRate, forKey: .hangRate)
        try c.encode(hangSeconds, forKey: .hangSeconds)
        try c.encode(resetRate, forKey: .resetRate)
        try c.encode(hugeResponseRate, forKey: .hugeResponseRate)
        try c.encode(truncatedResponseRate, forKey: .truncatedResponseRate)
        try c.encode(nonJSONResponseRate, forKey: .nonJSONResponseRate)
        try c.encode(replyLostResetRate, forKey: .replyLostResetRate)
        try c.encode(replyLostHangRate, forKey: .replyLostHangRate)
        try c.encode(replyStalledRate, forKey: .replyStalledRate)
        try c.encodeIfPresent(steps, forKey: .steps)
        try c.encodeIfPresent(budget, forKey: .budget)
        try rateLimit.encode(to: c.superEncoder(forKey: .rateLimit))
        var retryAfter = c.nestedContainer(keyedBy: RetryAfterKey.self, forKey: .rateLimit)
        try retryAfter.encode(rateLimitSendsRetryAfter, forKey: .sendsRetryAfter)
    }
}
