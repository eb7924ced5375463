/// Requests allowed per ApiKey, per second and per minute (`nil`: no limit on that window).
///
/// The default, 10 per second and 60 per minute, is Vlens's documented default. JSON form:
/// `{"per_second":10,"per_minute":60}`; omit or null a window to lift it.
public struct RateLimit: Sendable, Hashable, Codable {
    public var perSecond: Int?
    public var perMinute: Int?
    /// Whether a 429 from the limiter carries `Retry-After` (seconds until the window resets).
    public var sendsRetryAfter: Bool

    public init(perSecond: Int?, perMinute: Int?, sendsRetryAfter: Bool = true) {
        self.perSecond = perSecond
        self.perMinute = perMinute
        self.sendsRetryAfter = sendsRetryAfter
    }

    /// 10 requests per second, 60 per minute.
    public static let vlensDefault = RateLimit(perSecond: 10, perMinute: 60)
    /// No limit.
    public static let unlimited = RateLimit(perSecond: nil, perMinute: nil)

    enum CodingKeys: String, CodingKey {
        case perSecond = "per_second", perMinute = "per_minute", sendsRetryAfter = "sends_retry_after"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.perSecond = try container.decodeIfPresent(Int.self, forKey: .perSecond)
        self.perMinute = try container.decodeIfPresent(Int.self, forKey: .perMinute)
        self.sendsRetryAfter = try container.decodeIfPresent(Bool.self, forKey: .sendsRetryAfter) ?? true
    }
}
