/// OCR fields of the ID front (`data.idFrontData`). Every field is optional: decoding never fails on it.
public struct IDFrontData: Sendable, Hashable, Decodable {
    public var transactionId: String?
    /// Arabic first name (`first_name`) and remaining names (`last_names`).
    public var firstName: String?
    public var lastNames: String?
    /// Transliterated names (`first_name_english`, `last_names_english`).
    public var firstNameEnglish: String?
    public var lastNamesEnglish: String?
    /// 14-digit national ID number.
    public var idNumber: String?
    /// ISO 8601 date.
    public var dateOfBirth: String?
    /// Address: governorate, city, district.
    public var govern: String?
    public var city: String?
    public var district: String?
    /// `M` or `F`.
    public var gender: String?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        transactionId = c.string("transaction_id")
        firstName = c.string("first_name")
        lastNames = c.string("last_names")
        firstNameEnglish = c.string("first_name_english")
        lastNamesEnglish = c.string("last_names_english")
        idNumber = c.string("idNumber")
        dateOfBirth = c.string("dateOfBirth")
        govern = c.string("govern")
        city = c.string("city")
        district = c.string("district")
        gender = c.string("gender")
    }
}
