import VlensAPI

/// Fixed-window request counters per ApiKey, per second and per minute.
struct RateLimiter: Sendable {
    private struct Window {
        var second: Int64 = -1
        var secondCount = 0
        var minute: Int64 = -1
        var minuteCount = 0
    }

    private var windows: [String: Window] = [:]

    /// Counts a request that arrived at `nowMilliseconds` (wall clock); returns `nil` if allowed, or
    /// the seconds until a window that is full resets.
    mutating func admit(key: String, limit: RateLimit, nowMilliseconds: Int64) -> Int? {
        if limit.perSecond == nil && limit.perMinute == nil { return nil }
        let second = nowMilliseconds / 1000
        let minute = second / 60
        var window = windows[key] ?? Window()
        // Calls are counted by arrival but reach the counter in lock order: one that arrived in a
        // window already left counts in the current one.
        if second > window.second { window.second = second; window.secondCount = 0 }
        if minute > window.minute { window.minute = minute; window.minuteCount = 0 }
        defer { windows[key] = window }
        if let perMinute = limit.perMinute, Double(window.minuteCount) >= perMinute {
            return Int(60 - second % 60)
        }
        if let perSecond = limit.perSecond, Double(window.secondCount) >= perSecond {
            return 1
        }
        window.secondCount += 1
        window.minuteCount += 1
        return nil
    }

    mutating func reset() { windows = [:] }
}
