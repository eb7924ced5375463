/// The `data` object of a verification step or link response.
public struct VlensStepData: Sendable, Hashable, Decodable {
    public var idFrontData: IDFrontData?
    public var idBackData: IDBackData?
    /// All three capture steps passed Vlens's internal checks.
    public var isVerificationProcessCompleted: Bool?
    /// Completed, plus the NTRA and CSO authority checks the tenant requires.
    public var isDigitalIdentityVerified: Bool?
    /// `data.user.idNumber`.
    public var userIdNumber: String?
    /// `data.transaction_id`, where a response carries it at the top of `data`.
    public var transactionId: String?

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        idFrontData = c.decoded(IDFrontData.self, "idFrontData")
        idBackData = c.decoded(IDBackData.self, "idBackData")
        isVerificationProcessCompleted = c.bool("isVerificationProcessCompleted")
        isDigitalIdentityVerified = c.bool("isDigitalIdentityVerified")
        userIdNumber = c.object("user")?.string("idNumber")
        transactionId = c.string("transaction_id") ?? c.string("transactionId")
    }
}
