import Foundation

/// An RFC 3339 date-time as it appears in an event (`2026-11-27T09:15:02.120Z`).
///
/// It keeps the text it was decoded from, so events re-encode byte for byte, and the instant it
/// denotes for comparisons and arithmetic. Timestamps made in Swift are UTC with milliseconds.
public struct Timestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The instant.
    public let date: Date
    /// The RFC 3339 text.
    public let text: String

    /// The instant, written as UTC with millisecond precision.
    public init(_ date: Date) {
        let millis = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let rounded = Date(timeIntervalSince1970: millis / 1000)
        self.date = rounded
        self.text = Self.format(rounded)
    }

    /// Parses RFC 3339 text (`Z` or a `±HH:MM` offset, optional fraction); `nil` if it is not one.
    public init?(rfc3339 text: String) {
        guard let date = Self.parse(text) else { return nil }
        self.date = date
        self.text = text
    }

    public var description: String { text }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.date < rhs.date }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` of a date in whole milliseconds, by integer arithmetic (days to a
    /// civil date per Howard Hinnant's `civil_from_days`) instead of a `Calendar` per call: every result
    /// carries two of these. The same text as `Calendar`'s Gregorian UTC from 1582-10-15 on (before
    /// that date, `Calendar` counts Julian days).
    private static func format(_ date: Date) -> String {
        // The nearest millisecond: the double holding a whole millisecond may lie just below it.
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (days, millisOfDay) = millis.floorDivided(by: 86_400_000)
        let (era, dayOfEra) = (days + 719_468).floorDivided(by: 146_097)
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let seconds = millisOfDay / 1000
        var text = [UInt8]()
        text.reserveCapacity(24)
        func digits(_ value: Int64, _ width: Int) {
            let decimal = String(value)
            text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, width - decimal.utf8.count)))
            text.append(contentsOf: decimal.utf8)
        }
        digits(year, 4)
        text.append(UInt8(ascii: "-"))
        digits(month, 2)
        text.append(UInt8(ascii: "-"))
        digits(day, 2)
        text.append(UInt8(ascii: "T"))
        digits(seconds / 3600, 2)
        text.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2)
        text.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2)
        text.append(UInt8(ascii: "."))
        digits(millisOfDay % 1000, 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    private static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        // YYYY-MM-DDTHH:MM:SS at least, then optional .fraction, then Z or ±HH:MM.
        guard b.count >= 20 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var value = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int(b[i] - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), b[4] == UInt8(ascii: "-"), let month = number(5, 2),
            b[7] == UInt8(ascii: "-"), let day = number(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            let hour = number(11, 2), b[13] == UInt8(ascii: ":"), let minute = number(14, 2),
            b[16] == UInt8(ascii: ":"), let second = number(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if b[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                fraction += Double(b[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start, index - start <= 9 else { return nil }
        }
        guard index < b.count else { return nil }
        var offsetSeconds = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let oh = number(index + 1, 2), index + 3 < b.count, b[index + 3] == UInt8(ascii: ":"),
                let om = number(index + 4, 2), oh < 24, om < 60
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == b.count, (1...12).contains(month), hour < 24, minute < 60, second < 61 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(
            calendar: calendar, year: year, month: month, day: day, hour: hour, minute: minute,
            second: min(second, 59)
        )
        guard components.isValidDate, let date = calendar.date(from: components) else { return nil }
        return date.addingTimeInterval(fraction - Double(offsetSeconds))
    }
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = Self.parse(text) else {
            throw ContractError.invalid(
                decoder.codingPath, "is not an RFC 3339 date-time (e.g. 2026-11-27T09:15:02.120Z)")
        }
        self.date = date
        self.text = text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension Int64 {
    /// Quotient rounded towards minus infinity, and the remainder that goes with it (never negative).
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}
