import ArgumentParser
import Foundation

/// A point in time given on the command line: ISO 8601 (`2026-11-27T09:00:00Z`), or an age such
/// as `90s`, `15m`, `2h` or `1d`, meaning that long ago.
struct OperatorTime: ExpressibleByArgument, Sendable {
    var date: Date

    init?(argument: String) {
        if let date = Self.parseISO8601(argument) {
            self.date = date
        } else if let unit = argument.last, let amount = Double(argument.dropLast()), amount >= 0,
            let seconds = ["s": 1.0, "m": 60, "h": 3600, "d": 86400][String(unit)]
        {
            self.date = Date(timeIntervalSinceNow: -amount * seconds)
        } else {
            return nil
        }
    }

    static var defaultValueDescription: String { "ISO 8601 or an age like 15m" }

    private static func parseISO8601(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
