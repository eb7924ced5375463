/// Start-up settings of the simulator.
public struct SimulatorConfiguration: Sendable {
    /// Address to bind; port 0 picks a free port (read it back with `VlensSimulatorServer.waitUntilRunning()`).
    public var host: String
    public var port: Int
    /// Accepted `ApiKey` header values; any other key gets 401.
    public var apiKeys: Set<String>
    /// Bearer tokens accepted from the start (more can be issued at runtime).
    public var tokens: [SimulatorToken]
    /// Whether NTRA/CSO authority checks are required: then a completed flow is verified only if SRC is valid.
    /// When they are not, `isDigitalIdentityVerified` is set as soon as the three steps pass.
    public var tenantRequiresAuthorityChecks: Bool
    /// Faults and rate limits at start-up.
    public var faults: SimulatorFaults
    /// Transactions kept in memory (with their images); the least recently used are dropped beyond this.
    public var maxTransactions: Int
    /// Image bytes kept in memory (for the admin image endpoints); the least recently used
    /// transactions are dropped beyond this. Default 512 MiB.
    public var maxStoredImageBytes: Int
    /// Individual calls kept in the ledger's `calls` list (entries and totals are never dropped).
    public var maxLedgerCalls: Int
    /// Largest request body accepted (bytes).
    public var maxBodyBytes: Int

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        apiKeys: Set<String>,
        tokens: [SimulatorToken] = [],
        tenantRequiresAuthorityChecks: Bool = false,
        faults: SimulatorFaults = SimulatorFaults(),
        maxTransactions: Int = 50_000,
        maxStoredImageBytes: Int = 512 * 1024 * 1024,
        maxLedgerCalls: Int = 100_000,
        maxBodyBytes: Int = 16 * 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.apiKeys = apiKeys
        self.tokens = tokens
        self.tenantRequiresAuthorityChecks = tenantRequiresAuthorityChecks
        self.faults = faults
        self.maxTransactions = maxTransactions
        self.maxStoredImageBytes = maxStoredImageBytes
        self.maxLedgerCalls = maxLedgerCalls
        self.maxBodyBytes = maxBodyBytes
    }
}
