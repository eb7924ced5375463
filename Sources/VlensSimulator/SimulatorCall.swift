/// One Vlens call as the engine sees it: headers that matter and the lenient-decoded body or query.
struct SimulatorCall: Sendable {
    var step: SimulatorStep
    var apiKey: String?
    /// The `Authorization` header, if any.
    var authorization: String?
    /// `nil` when the body was not JSON of the expected shape.
    var body: Body?
    /// Whether a `Content-Type` was sent that is not JSON (415).
    var unsupportedMediaType = false
    var query: [String: String] = [:]
    /// The W3C `traceparent` header, if any (recorded in the ledger so callers can check propagation).
    var traceparent: String?

    var clientTransactionId: String? { body?.clientTransactionId }
    var requestId: String? { body?.requestId }

    struct Body: Decodable, Sendable {
        var image: String?
        var face1: String?
        var face2: String?
        var face3: String?
        var transactionId: String?
        var getExtractedData: Bool?
        var clientTransactionId: String?
        var requestId: String?

        enum CodingKeys: String, CodingKey {
            case image, getExtractedData
            case face1 = "face_1", face2 = "face_2", face3 = "face_3"
            case transactionIdSnake = "transaction_id", transactionIdCamel = "transactionId"
            case clientTransactionId = "client_transaction_id", requestId = "request_id"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            image = try? c.decodeIfPresent(String.self, forKey: .image)
            face1 = try? c.decodeIfPresent(String.self, forKey: .face1)
            face2 = try? c.decodeIfPresent(String.self, forKey: .face2)
            face3 = try? c.decodeIfPresent(String.self, forKey: .face3)
            let snake = try? c.decodeIfPresent(String.self, forKey: .transactionIdSnake)
            let camel = try? c.decodeIfPresent(String.self, forKey: .transactionIdCamel)
            transactionId = (snake ?? nil) ?? (camel ?? nil)
            getExtractedData = try? c.decodeIfPresent(Bool.self, forKey: .getExtractedData)
            clientTransactionId = try? c.decodeIfPresent(String.self, forKey: .clientTransactionId)
            requestId = try? c.decodeIfPresent(String.self, forKey: .requestId)
        }
    }
}
