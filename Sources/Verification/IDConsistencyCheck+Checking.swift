import Foundation

extension IDConsistencyCheck {
    /// Compares the OCR'd national ID number with the OCR'd date of birth and gender.
    ///
    /// - Parameters:
    ///   - idNumber: the OCR'd number (ASCII or Arabic-Indic digits). Not a well-formed Egyptian
    ///     national ID → `idNumberFormat`, and nothing else is compared.
    ///   - dateOfBirth: an ISO 8601 date (`1999-01-23`, optionally followed by a time); `nil` or
    ///     unreadable → not compared.
    ///   - gender: `M`/`F`, `male`/`female` or Arabic `ذكر`/`أنثى`; `nil` or unknown → not compared.
    public init(idNumber: String, dateOfBirth: String?, gender: String?) {
        guard let id = EgyptianNationalID(idNumber) else {
            self.init(mismatches: [.idNumberFormat])
            return
        }
        var mismatches: [Mismatch] = []
        if let dateOfBirth, let date = Self.isoDate(dateOfBirth), date != id.birthDate {
            mismatches.append(.dateOfBirth)
        }
        if let gender, let isMale = Self.isMale(gender), isMale != id.isMale {
            mismatches.append(.gender)
        }
        self.init(mismatches: mismatches)
    }

    /// The check for a Vlens response's `data` (or its `idFrontData`): `nil` when it has no
    /// `idNumber` to check.
    public init?(vlensData data: JSONValue) {
        let front = data["idFrontData"] ?? data
        guard let idNumber = front["idNumber"]?.stringValue else { return nil }
        self.init(
            idNumber: idNumber,
            dateOfBirth: front["dateOfBirth"]?.stringValue,
            gender: front["gender"]?.stringValue
        )
    }

    static func isoDate(_ text: String) -> EgyptianNationalID.BirthDate? {
        let scalars = Array(text.unicodeScalars.prefix(10))
        guard scalars.count == 10, scalars[4] == "-", scalars[7] == "-" else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for scalar in scalars[range] {
                guard let digit = EgyptianNationalID.digit(scalar) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        if text.unicodeScalars.count > 10, text.unicodeScalars.dropFirst(10).first != "T" { return nil }
        let date = EgyptianNationalID.BirthDate(year: year, month: month, day: day)
        return date.isValid ? date : nil
    }

    static func isMale(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "m", "male", "ذكر": true
        case "f", "female", "أنثى", "انثى", "انثي", "أنثي": false
        default: nil
        }
    }
}
