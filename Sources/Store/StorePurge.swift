/// What one retention batch deleted, per table.
public struct StorePurge: Sendable, Equatable {
    public var results = 0
    public var transactionStates = 0
    public var inFlightMarkers = 0
    public var ownershipReports = 0

    public init(results: Int = 0, transactionStates: Int = 0, inFlightMarkers: Int = 0, ownershipReports: Int = 0) {
        self.results = results
        self.transactionStates = transactionStates
        self.inFlightMarkers = inFlightMarkers
        self.ownershipReports = ownershipReports
    }

    /// Rows deleted in all tables.
    public var total: Int { results + transactionStates + inFlightMarkers + ownershipReports }

    /// Whether some table had `limit` rows to delete, so more may be waiting.
    public func mayHaveMore(limit: Int) -> Bool {
        [results, transactionStates, inFlightMarkers, ownershipReports].contains { $0 >= limit }
    }

    /// The tables, with their stored names, for logs and metric labels.
    public var byTable: [(table: String, rows: Int)] {
        [("capture_results", results), ("transaction_states", transactionStates), ("in_flight_calls", inFlightMarkers), ("partition_owners", ownershipReports)]
    }
}
