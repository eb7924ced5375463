/// Settings of a ``VlensClient``.
public struct VlensConfiguration: Sendable {
    /// `https://api.vlenseg.com` in production; `http://` is allowed (the simulator). No trailing slash needed.
    public var baseURL: String
    /// The tenant's `ApiKey` header. Load it from the environment or a mounted secret, never from flags.
    public var apiKey: String
    /// Deadline for one request, from sending to the last byte of the response. Default 30 s.
    public var requestDeadline: Duration
    /// TCP (and TLS) connect time-out. Default 5 s.
    public var connectTimeout: Duration
    /// Connection pool limits.
    public var connectionPool: ConnectionPool
    /// Sends `getExtractedData: true` so responses carry the OCR fields. Default `true`.
    public var getExtractedData: Bool
    /// Largest response body accepted (images come back base64). Default 32 MiB.
    public var maxResponseBytes: Int

    /// Connection pool limits of the owned HTTP client.
    public struct ConnectionPool: Sendable {
        /// Concurrent HTTP/1 connections per host (soft limit). Default 16.
        public var maxConnectionsPerHost: Int
        /// Idle connections close after this long. Default 60 s.
        public var idleTimeout: Duration

        public init(maxConnectionsPerHost: Int = 16, idleTimeout: Duration = .seconds(60)) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.idleTimeout = idleTimeout
        }
    }

    public init(
        baseURL: String,
        apiKey: String,
        requestDeadline: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(5),
        connectionPool: ConnectionPool = ConnectionPool(),
        getExtractedData: Bool = true,
        maxResponseBytes: Int = 32 * 1024 * 1024
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.requestDeadline = requestDeadline
        self.connectTimeout = connectTimeout
        self.connectionPool = connectionPool
        self.getExtractedData = getExtractedData
        self.maxResponseBytes = maxResponseBytes
    }
}
