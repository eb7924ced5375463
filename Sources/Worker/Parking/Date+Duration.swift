import Foundation

extension Date {
    /// This date moved by a `Duration`.
    static func + (date: Date, duration: Duration) -> Date {
        date.addingTimeInterval(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    /// The wall-clock date of a continuous-clock instant (close enough for scheduling).
    init(_ instant: ContinuousClock.Instant) {
        self = Date() + (instant - .now)
    }
}
