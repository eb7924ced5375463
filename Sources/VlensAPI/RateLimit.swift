/// A tenant's Vlens request limits per ApiKey: requests per second and per minute (`nil`: no limit on
/// that window). Vlens documents 10 per second and 60 per minute (its API notes). The worker paces its
/// calls by it; the simulator enforces it. JSON form: `{"per_second":10,"per_minute":60}`; omit or null a
/// window to lift it.
public struct RateLimit: Sendable, Hashable, Codable {
    /// Requests per second.
    public var perSecond: Double?
    /// Requests per minute.
    public var perMinute: Double?

    public init(perSecond: Double? = 10, perMinute: Double? = 60) {
        self.perSecond = perSecond
        self.perMinute = perMinute
    }

    /// Vlens's documented default: 10 requests per second, 60 per minute.
    public static let vlensDefault = RateLimit()
    /// No limit at all.
    public static let unlimited = RateLimit(perSecond: nil, perMinute: nil)

    /// The sustained rate both limits allow, in requests per second; `nil` when unlimited.
    public var sustainedRate: Double? {
        switch (perSecond, perMinute) {
        case (nil, nil): return nil
        case (let second?, nil): return second
        case (nil, let minute?): return minute / 60
        case (let second?, let minute?): return min(second, minute / 60)
        }
    }

    enum CodingKeys: String, CodingKey {
        case perSecond = "per_second", perMinute = "per_minute"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.perSecond = try container.decodeIfPresent(Double.self, forKey: .perSecond)
        self.perMinute = try container.decodeIfPresent(Double.self, forKey: .perMinute)
    }
}
