/// A 14-digit Egyptian national ID number, parsed into the facts it encodes.
///
/// Layout: digit 1 the century (2 = 1900s, 3 = 2000s); digits 2–7 the birth date YYMMDD;
/// digits 8–9 the governorate of birth (01–35, or 88 for births abroad); digits 10–13 a serial
/// whose last digit is odd for men and even for women; digit 14 a check digit, whose algorithm is
/// not public and which is therefore not validated. The value is personal data: never log it.
public struct EgyptianNationalID: Hashable, Sendable {
    /// A calendar date without time or zone.
    public struct BirthDate: Hashable, Sendable {
        public var year: Int
        public var month: Int
        public var day: Int

        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        /// A real Gregorian date.
        var isValid: Bool {
            guard (1...12).contains(month), day >= 1 else { return false }
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            return day <= days
        }
    }

    /// The first year of the birth century: 1900 or 2000.
    public let century: Int
    /// The birth date the number encodes.
    public let birthDate: BirthDate
    /// The governorate code: 1–35, or 88 for births abroad.
    public let governorate: Int
    /// Digit 13: odd for male, even for female.
    public let genderDigit: Int

    /// Whether digit 13 says male.
    public var isMale: Bool { genderDigit % 2 == 1 }

    /// Parses a number written with ASCII or Arabic-Indic digits; `nil` unless it has exactly 14
    /// digits with a known century, a real birth date and a known governorate code.
    public init?(_ text: String) {
        var digits: [Int] = []
        for scalar in text.unicodeScalars {
            guard let digit = Self.digit(scalar) else { return nil }
            digits.append(digit)
        }
        guard digits.count == 14 else { return nil }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + $1 } }
        switch digits[0] {
        case 2: century = 1900
        case 3: century = 2000
        default: return nil
        }
        birthDate = BirthDate(year: century + number(1..<3), month: number(3..<5), day: number(5..<7))
        governorate = number(7..<9)
        genderDigit = digits[12]
        guard birthDate.isValid, (1...35).contains(governorate) || governorate == 88 else { return nil }
    }

    /// ASCII `0`–`9`, Arabic-Indic `٠`–`٩` and Eastern Arabic-Indic `۰`–`۹`.
    static func digit(_ scalar: Unicode.Scalar) -> Int? {
        for zero: UInt32 in [0x30, 0x660, 0x6F0] where (zero...(zero + 9)).contains(scalar.value) {
            return Int(scalar.value - zero)
        }
        return nil
    }
}
