/// Per-call identifiers and credentials sent with a verification step.
public struct VlensCallContext: Sendable {
    /// The caller's own id for the whole capture (`client_transaction_id`).
    public var clientTransactionId: String?
    /// The id of this attempt (`request_id`); a retry of the same step keeps it.
    public var requestId: String?
    /// The user's access token (`Authorization: Bearer`); `nil` for API-key-only captures.
    public var userToken: String?
    /// W3C `traceparent` header to propagate, if tracing is on.
    public var traceparent: String?
    /// W3C `tracestate` header, passed on with `traceparent`.
    public var tracestate: String?
    /// `getExtractedData` to send; `nil` sends ``VlensConfiguration/getExtractedData``.
    public var getExtractedData: Bool?

    public init(
        clientTransactionId: String? = nil, requestId: String? = nil, userToken: String? = nil,
        traceparent: String? = nil, tracestate: String? = nil, getExtractedData: Bool? = nil
    ) {
        self.clientTransactionId = clientTransactionId
        self.requestId = requestId
        self.userToken = userToken
        self.traceparent = traceparent
        self.tracestate = tracestate
        self.getExtractedData = getExtractedData
    }
}
