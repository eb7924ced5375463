import SeededRandom

/// The person the simulator "reads" off an ID card: every field derived deterministically from a seed.
///
/// The same seed always gives the same person. The 14-digit national ID number is structurally valid:
/// century digit, birth date (YYMMDD), governorate of birth, a serial whose last digit is odd for men and
/// even for women, and a check digit (the commonly used weighted mod-11 scheme; Vlens does not document
/// one, so nothing rejects on it).
public struct SimulatedPerson: Sendable, Hashable, Codable {
    /// 14-digit Egyptian national ID number.
    public var idNumber: String
    /// Arabic first name (`first_name`).
    public var firstName: String
    /// Arabic father, grandfather and family names (`last_names`).
    public var lastNames: String
    /// Transliterated first name (`first_name_english`).
    public var firstNameEnglish: String
    /// Transliterated remaining names (`last_names_english`).
    public var lastNamesEnglish: String
    /// `M` or `F`.
    public var gender: String
    /// ISO 8601 date (`YYYY-MM-DD`).
    public var dateOfBirth: String
    /// Two-digit governorate-of-birth code inside the ID number (`01`...`35`, or `88` for births abroad).
    public var birthGovernorateCode: String
    /// Address: governorate, city, district (Arabic).
    public var govern: String
    public var city: String
    public var district: String
    /// Back-side fields (Arabic).
    public var maritalStatus: String
    public var job: String
    public var jobTitle: String
    public var religion: String
    /// ISO 8601 dates of issue and expiry.
    public var releaseDate: String
    public var idExpiry: String

    /// Derives the person for `seed` (any string; the simulator uses an image's marker seed or a hash of the image).
    public init(seed: String) {
        var rng = SplitMix64(seed: seed)
        let isMale = rng.next() % 2 == 0
        let year = 1950 + Int(rng.next() % 56)  // 1950...2005
        let month = 1 + Int(rng.next() % 12)
        let day = 1 + Int(rng.next() % 28)
        let governorate = Self.governorates[Int(rng.next() % UInt64(Self.governorates.count))]
        let serial = Int(rng.next() % 1000)
        let genderDigit = Int(rng.next() % 5) * 2 + (isMale ? 1 : 0)

        var digits = [year < 2000 ? 2 : 3]
        digits += Self.twoDigits(year % 100) + Self.twoDigits(month) + Self.twoDigits(day)
        digits += governorate.code.map { Int(String($0))! }
        digits += [serial / 100, (serial / 10) % 10, serial % 10, genderDigit]
        digits.append(Self.checkDigit(digits))
        self.idNumber = digits.map(String.init).joined()
        self.birthGovernorateCode = governorate.code

        let first = isMale ? Self.maleNames : Self.femaleNames
        let given = first[Int(rng.next() % UInt64(first.count))]
        let father = Self.maleNames[Int(rng.next() % UInt64(Self.maleNames.count))]
        let grandfather = Self.maleNames[Int(rng.next() % UInt64(Self.maleNames.count))]
        let family = Self.familyNames[Int(rng.next() % UInt64(Self.familyNames.count))]
        self.firstName = given.arabic
        self.firstNameEnglish = given.english
        self.lastNames = [father.arabic, grandfather.arabic, family.arabic].joined(separator: " ")
        self.lastNamesEnglish = [father.english, grandfather.english, family.english].joined(separator: " ")
        self.gender = isMale ? "M" : "F"
        self.dateOfBirth = Self.isoDate(year: year, month: month, day: day)

        let residence = governorate.code == "88" ? Self.governorates[0] : governorate
        self.govern = residence.arabic
        self.city = residence.city
        self.district = Self.districts[Int(rng.next() % UInt64(Self.districts.count))]

        let married = year < 1995 && rng.next() % 3 != 0
        self.maritalStatus = married ? (isMale ? "متزوج" : "متزوجة") : (isMale ? "أعزب" : "آنسة")
        let occupation = Self.jobs[Int(rng.next() % UInt64(Self.jobs.count))]
        self.job = occupation.job
        self.jobTitle = occupation.title
        let muslim = rng.next() % 10 != 0
        self.religion = muslim ? (isMale ? "مسلم" : "مسلمة") : (isMale ? "مسيحي" : "مسيحية")
        let issueYear = 2021 + Int(rng.next() % 5)  // 2021...2025, so valid until 2028 at least
        let issueMonth = 1 + Int(rng.next() % 12)
        let issueDay = 1 + Int(rng.next() % 28)
        self.releaseDate = Self.isoDate(year: issueYear, month: issueMonth, day: issueDay)
        self.idExpiry = Self.isoDate(year: issueYear + 7, month: issueMonth, day: issueDay)
    }

    /// The same person, with an ID card that expired in the past (issued 2010, expired 2017).
    public func withExpiredCard() -> SimulatedPerson {
        var copy = self
        copy.releaseDate = "2010" + releaseDate.dropFirst(4)
        copy.idExpiry = "2017" + idExpiry.dropFirst(4)
        return copy
    }

    /// The weighted mod-11 check digit commonly used for Egyptian national ID numbers.
    static func checkDigit(_ digits: [Int]) -> Int {
        let weights = [2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        let check = 11 - sum % 11
        return check >= 10 ? check - 10 : check
    }

    private static func twoDigits(_ value: Int) -> [Int] { [value / 10, value % 10] }

    private static func isoDate(year: Int, month: Int, day: Int) -> String {
        let mm = month < 10 ? "0\(month)" : "\(month)"
        let dd = day < 10 ? "0\(day)" : "\(day)"
        return "\(year)-\(mm)-\(dd)"
    }
}
