/// A successful response of a verification step or link: the envelope's `data` and `services`.
public struct VlensStepResponse: Sendable, Hashable, Decodable {
    public var data: VlensStepData
    public var services: VlensServices
    /// `error_code` of the envelope (always `nil` in a response the client returns; errors are thrown).
    public var errorCode: Int?
    /// Whether the envelope sets `error_code` at all: an integer, or any other value that is not
    /// `null` or an empty string (`"E1050"`). A 2xx answer that sets it is an error.
    public var setsErrorCode: Bool
    /// HTTP status of the response.
    public var httpStatus: Int = 200

    /// The transaction id: from `data.idFrontData`, `data.idBackData` (when back came first) or `data`.
    public var transactionId: String? {
        data.idFrontData?.transactionId ?? data.idBackData?.transactionId ?? data.transactionId
    }

    public init(data: VlensStepData = VlensStepData(), services: VlensServices = VlensServices(), errorCode: Int? = nil) {
        self.data = data
        self.services = services
        self.errorCode = errorCode
        self.setsErrorCode = errorCode != nil
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        data = c.decoded(VlensStepData.self, "data") ?? VlensStepData()
        services = c.decoded(VlensServices.self, "services") ?? VlensServices()
        errorCode = c.int("error_code")
        let key = AnyKey("error_code")
        if errorCode != nil {
            setsErrorCode = true
        } else if let text = try? c.decodeIfPresent(String.self, forKey: key) {
            setsErrorCode = !text.trimmingCharacters(in: .whitespaces).isEmpty
        } else {
            setsErrorCode = c.contains(key) && (try? c.decodeNil(forKey: key)) == false
        }
    }
}
