/// Every Vlens call that reached the simulator's handlers, including rejected ones (401, 429, faults).
///
/// Served by `GET /_simulator/ledger` (filters: `step`, `transaction_id`, `client_transaction_id`).
/// Entries group calls by (step, transaction, client transaction); the transaction is the one the
/// request named, or the one the call created, or `null` when there was none.
public struct SimulatorLedger: Sendable, Hashable, Codable {
    /// Calls per (step, transaction, client transaction).
    public var entries: [Entry]
    /// The most recent individual calls, oldest first (bounded by `maxLedgerCalls`).
    public var calls: [Call]
    /// Totals over all calls since start or reset.
    public var totals: Totals

    public struct Entry: Sendable, Hashable, Codable {
        public var step: String
        public var transactionId: String?
        public var clientTransactionId: String?
        public var calls: Int
        /// `request_id` of each call, in arrival order (`null` when the call carried none).
        public var requestIds: [String?]
        /// Outcome of each call, in arrival order: `ok`, `http_401`, `error_1050`, `fault_503`, `hung`, `reset`, ...
        public var outcomes: [String]

        enum CodingKeys: String, CodingKey {
            case step, calls, outcomes
            case transactionId = "transaction_id", clientTransactionId = "client_transaction_id"
            case requestIds = "request_ids"
        }
    }

    public struct Call: Sendable, Hashable, Codable {
        public var sequence: Int
        public var step: String
        public var transactionId: String?
        public var clientTransactionId: String?
        public var requestId: String?
        public var outcome: String
        public var status: Int
        /// Whether the call carried `Authorization: Bearer`, and its `traceparent` header.
        public var hadBearer: Bool
        public var traceparent: String?
        /// The call was processed and its reply was then lost (a `reply_lost_*` fault).
        public var replyLost: Bool = false
        /// The body's `getExtractedData` (`nil` when the body had none, or no JSON body); absent
        /// from ledgers written before the field existed.
        public var getExtractedData: Bool? = nil
        /// When the simulator counted the call against the rate limit, in wall-clock milliseconds
        /// since 1970 (`nil` for injected faults, which are not counted, and older ledgers).
        public var receivedAtMilliseconds: Int64? = nil

        enum CodingKeys: String, CodingKey {
            case sequence, step, outcome, status, traceparent
            case hadBearer = "had_bearer", replyLost = "reply_lost"
            case getExtractedData = "get_extracted_data"
            case transactionId = "transaction_id", clientTransactionId = "client_transaction_id"
            case requestId = "request_id"
            case receivedAtMilliseconds = "received_at_ms"
        }
    }

    public struct Totals: Sendable, Hashable, Codable {
        public var calls: Int
        public var byStep: [String: Int]
        public var byOutcome: [String: Int]

        enum CodingKeys: String, CodingKey {
            case calls, byStep = "by_step", byOutcome = "by_outcome"
        }
    }

    /// Calls of `step` for a transaction or client transaction id (summed over matching entries).
    public func callCount(step: String, transactionId: String? = nil, clientTransactionId: String? = nil) -> Int {
        entries.filter {
            $0.step == step
                && (transactionId == nil || $0.transactionId == transactionId)
                && (clientTransactionId == nil || $0.clientTransactionId == clientTransactionId)
        }.reduce(0) { $0 + $1.calls }
    }
}
