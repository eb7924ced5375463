import Foundation

extension Date {
    /// This date moved by a `Duration`.
    package static func + (date: Date, duration: Duration) -> Date {
        date.addingTimeInterval(duration.timeInterval)
    }

    /// The wall-clock date of a continuous-clock instant (close enough for scheduling).
    package init(_ instant: ContinuousClock.Instant) {
        self = Date() + (instant - .now)
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    package var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
