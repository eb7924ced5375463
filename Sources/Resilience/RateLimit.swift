/// A tenant's Vlens request limits. `nil` means no limit of that kind.
public struct RateLimit: Sendable, Equatable {
    /// Requests per second. Default 10, as Vlens's notes document.
    public var perSecond: Double?
    /// Requests per minute. Default 60, as Vlens's notes document.
    public var perMinute: Double?

    public init(perSecond: Double? = 10, perMinute: Double? = 60) {
        self.perSecond = perSecond
        self.perMinute = perMinute
    }

    /// No client-side limit at all.
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
}
