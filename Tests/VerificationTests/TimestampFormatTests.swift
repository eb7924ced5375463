import Foundation
import Testing
import Verification

@Suite("Timestamp text from a Date")
struct TimestampFormatTests {
    /// The `Calendar` formatting `Timestamp` used before its integer arithmetic, as the reference.
    static func calendarText(_ date: Date) -> String {
        let rounded = Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: rounded)
        let millis = min(((c.nanosecond ?? 0) + 500_000) / 1_000_000, 999)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!, millis)
    }

    @Test("edges: epoch, before it, leap days, century years, end of day")
    func edges() {
        let texts = [
            "1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.001Z", "2024-02-29T23:59:59.999Z",
            "2100-03-01T00:00:00.000Z", "1900-02-28T08:30:15.250Z", "2026-11-27T09:15:02.120Z", "9999-12-31T23:59:59.999Z",
        ]
        for text in texts {
            let parsed = Timestamp(rfc3339: text)!
            // Before 1970 the parsed double may lie just below its millisecond, which then rounds down.
            if parsed.date.timeIntervalSince1970 >= 0 { #expect(Timestamp(parsed.date).text == text) }
            #expect(Timestamp(parsed.date).text == Self.calendarText(parsed.date))
        }
    }

    @Test("agrees with Calendar on random instants from 1900 to 2300")
    func randomInstants() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let seconds = Double.random(in: -2_208_988_800...10_413_792_000, using: &generator)
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Timestamp(date).text == Self.calendarText(date))
        }
    }
}
