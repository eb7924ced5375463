import Verification

/// What the engine answers: status, optional `Retry-After`, a JSON body, and the ledger outcome label.
struct SimulatorReply: Sendable {
    var status: Int
    var body: JSONValue
    var retryAfterSeconds: Int?
    var outcome: String

    /// The Vlens envelope `{ data, services, error_code, error_message, error_descriptions }`.
    ///
    /// `error_descriptions` is `errorDescriptions`, or `[errorMessage]` when not given (`null` without a message).
    static func envelope(
        status: Int = 200,
        data: JSONValue = .null,
        services: JSONValue? = nil,
        errorCode: Int? = nil,
        errorMessage: String? = nil,
        errorDescriptions: [String]? = nil,
        outcome: String? = nil,
        retryAfterSeconds: Int? = nil
    ) -> SimulatorReply {
        let descriptions = errorDescriptions ?? errorMessage.map { [$0] }
        var members: [String: JSONValue] = [
            "data": data,
            "error_code": errorCode.map(JSONValue.int) ?? .null,
            "error_message": errorMessage.map(JSONValue.string) ?? .null,
            "error_descriptions": descriptions.map { .array($0.map(JSONValue.string)) } ?? .null,
        ]
        if let services { members["services"] = services }
        let label = outcome ?? errorCode.map { "error_\($0)" } ?? (status == 200 ? "ok" : "http_\(status)")
        return SimulatorReply(status: status, body: .object(members), retryAfterSeconds: retryAfterSeconds, outcome: label)
    }

    static func rejected(_ status: Int, _ message: String) -> SimulatorReply {
        .envelope(status: status, errorMessage: message)
    }
}
