/// OCR fields of the ID back (`data.idBackData`). Every field is optional: decoding never fails on it.
public struct IDBackData: Sendable, Hashable, Decodable {
    /// Present when the back step came first and created the transaction.
    public var transactionId: String?
    public var idNumber: String?
    public var gender: String?
    public var maritalStatus: String?
    /// Occupation (`job`, `jobTitle`).
    public var job: String?
    public var jobTitle: String?
    public var religion: String?
    /// ISO 8601 dates: expiry (`idExpiry`) and issue (`releaseDate`).
    public var idExpiry: String?
    public var releaseDate: String?

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        transactionId = c.string("transaction_id")
        idNumber = c.string("idNumber")
        gender = c.string("gender")
        maritalStatus = c.string("maritalStatus")
        job = c.string("job")
        jobTitle = c.string("jobTitle")
        religion = c.string("religion")
        idExpiry = c.string("idExpiry")
        releaseDate = c.string("releaseDate")
    }
}
