import Foundation

/// The simulator's state and rules, without I/O: calls in, replies out. Held under a lock by the server.
struct SimulatorEngine: Sendable {
    /// The fault, if any, that a call draws before it reaches the rules.
    enum Fault: Sendable, Equatable {
        case reset
        case hang(seconds: Int)
        /// The answer's head and first half are sent, the rest after `seconds`.
        case stall(seconds: Int)
        case status(Int, retryAfterSeconds: Int?)
        /// A 200 whose body is unusable.
        case malformed(MalformedBody)
    }

    /// How a ``Fault/malformed(_:)`` answer is broken.
    enum MalformedBody: String, Sendable {
        case huge, truncated, notJSON = "not_json"
    }

    let configuration: SimulatorConfiguration
    var faults: SimulatorFaults
    var tokens: [String: SimulatorToken]
    var transactions: [String: SimulatedTransaction] = [:]
    /// Least recently used first: what goes when the limits are reached.
    var recency = RecencyQueue()
    var storedImageBytes = 0
    var limiter = RateLimiter()
    var ledger: LedgerRecorder

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        self.faults = configuration.faults
        self.tokens = Dictionary(configuration.tokens.map { ($0.token, $0) }, uniquingKeysWith: { _, last in last })
        self.ledger = LedgerRecorder(maxCalls: configuration.maxLedgerCalls)
    }

    /// Back to the start-up state: no transactions, empty ledger, start-up faults and tokens.
    mutating func reset() {
        self = SimulatorEngine(configuration: configuration)
    }

    mutating func issueToken(emailOrPhoneNumber: String, isAdmin: Bool) -> SimulatorToken {
        let token = SimulatorToken(
            token: "sim-" + UUID().uuidString.lowercased(), emailOrPhoneNumber: emailOrPhoneNumber, isAdmin: isAdmin)
        tokens[token.token] = token
        return token
    }

    /// Revokes the named tokens (user or admin); returns how many were known. A revoked token is then
    /// refused like an unknown one (401 "Invalid user token"). ``reset()`` restores the start-up tokens.
    mutating func revokeTokens(_ names: some Sequence<String>) -> Int {
        names.reduce(0) { count, name in tokens.removeValue(forKey: name) == nil ? count : count + 1 }
    }

    /// Revokes every user token, configured or issued; admin tokens stay. Returns how many were revoked.
    mutating func revokeAllUserTokens() -> Int {
        let users = tokens.values.filter { !$0.isAdmin }.map(\.token)
        return revokeTokens(users)
    }

    /// Draws the fault for a call of `step` (consuming the budget), or `nil`.
    mutating func drawFault(for step: SimulatorStep) -> Fault? {
        if let steps = faults.steps, !steps.contains(step.rawValue) { return nil }
        if let budget = faults.budget, budget <= 0 { return nil }
        let candidates: [(Double, Fault)] = [
            (faults.resetRate, .reset),
            (faults.hangRate, .hang(seconds: faults.hangSeconds)),
            (faults.error500Rate, .status(500, retryAfterSeconds: nil)),
            (faults.error503Rate, .status(503, retryAfterSeconds: nil)),
            (faults.error429Rate, .status(429, retryAfterSeconds: faults.retryAfterSeconds)),
            (faults.error429NoRetryAfterRate, .status(429, retryAfterSeconds: nil)),
            (faults.hugeResponseRate, .malformed(.huge)),
            (faults.truncatedResponseRate, .malformed(.truncated)),
            (faults.nonJSONResponseRate, .malformed(.notJSON)),
        ]
        for (rate, fault) in candidates where rate > 0 && (rate >= 1 || Double.random(in: 0..<1) < rate) {
            if let budget = faults.budget { faults.budget = budget - 1 }
            return fault
        }
        return nil
    }

    /// Draws whether a call that is processed then loses its reply (consuming the budget), or `nil`.
    mutating func drawReplyLoss(for step: SimulatorStep) -> Fault? {
        if let steps = faults.steps, !steps.contains(step.rawValue) { return nil }
        if let budget = faults.budget, budget <= 0 { return nil }
        let candidates: [(Double, Fault)] = [
            (faults.replyLostResetRate, .reset), (faults.replyLostHangRate, .hang(seconds: faults.hangSeconds)),
            (faults.replyStalledRate, .stall(seconds: faults.hangSeconds)),
        ]
        for (rate, fault) in candidates where rate > 0 && (rate >= 1 || Double.random(in: 0..<1) < rate) {
            if let budget = faults.budget { faults.budget = budget - 1 }
            return fault
        }
        return nil
    }

    /// Records a call that a fault answered (or swallowed).
    mutating func recordFault(_ call: SimulatorCall, _ fault: Fault) -> SimulatorReply {
        let reply: SimulatorReply
        switch fault {
        case .reset: reply = SimulatorReply(status: 0, body: .null, outcome: "reset")
        case .hang, .stall: reply = SimulatorReply(status: 0, body: .null, outcome: "hung")
        case .malformed(let body): reply = SimulatorReply(status: 200, body: .null, outcome: "fault_\(body.rawValue)")
        case .status(let status, let retryAfter):
            let message = status == 429 ? "Too many requests" : "Internal server error"
            reply = .envelope(
                status: status, errorMessage: message,
                outcome: "fault_\(status)" + (status == 429 && retryAfter == nil ? "_no_retry_after" : ""),
                retryAfterSeconds: retryAfter)
        }
        ledger.record(call, transactionId: call.body?.transactionId, reply: reply)
        return reply
    }

    /// Applies authentication, the rate limit and the step's rules to a call, and records it.
    ///
    /// - Parameter replyLost: the reply will not reach the client (a ``drawReplyLoss(for:)`` fault);
    ///   the ledger marks the call.
    mutating func handle(_ call: SimulatorCall, nowMilliseconds: Int64, replyLost: Bool = false) -> SimulatorReply {
        var transactionId = call.body?.transactionId
        let reply = evaluate(call, nowMilliseconds: nowMilliseconds, transactionId: &transactionId)
        ledger.record(call, transactionId: transactionId, reply: reply, replyLost: replyLost, receivedAtMilliseconds: nowMilliseconds)
        return reply
    }

    private mutating func evaluate(
        _ call: SimulatorCall, nowMilliseconds: Int64, transactionId: inout String?
    ) -> SimulatorReply {
        guard let apiKey = call.apiKey, configuration.apiKeys.contains(apiKey) else {
            return .rejected(401, "Invalid or missing ApiKey")
        }
        if let retryAfter = limiter.admit(key: apiKey, limit: faults.rateLimit, nowMilliseconds: nowMilliseconds) {
            return .envelope(
                status: 429, errorMessage: "Too many requests",
                outcome: faults.rateLimitSendsRetryAfter ? "rate_limited" : "rate_limited_no_retry_after",
                retryAfterSeconds: faults.rateLimitSendsRetryAfter ? retryAfter : nil)
        }
        var user: SimulatorToken?
        if let authorization = call.authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", let token = tokens[String(parts[1])] else {
                return .rejected(401, "Invalid user token")
            }
            user = token
        }
        if call.step.isAdmin {
            guard let user else { return .rejected(401, "Admin token required") }
            guard user.isAdmin else { return .rejected(403, "The Requests permission is required") }
            return call.step == .userImages ? userImages(call) : stepImage(call)
        }
        if call.unsupportedMediaType { return .rejected(415, "Content-Type must be application/json") }
        guard let body = call.body else { return .rejected(400, "The request body is not valid JSON") }
        let context = StepContext(apiKey: apiKey, user: user, body: body)
        switch call.step {
        case .idFront, .idBack: return idSide(call.step, context, transactionId: &transactionId)
        case .liveness: return liveness(context)
        case .link: return link(context)
        case .userImages, .stepImage: return .rejected(404, "Not found")
        }
    }

    struct StepContext {
        var apiKey: String
        var user: SimulatorToken?
        var body: SimulatorCall.Body
        /// Whether the front, liveness and link return the OCR fields: only with `getExtractedData: true`.
        var extract: Bool { body.getExtractedData ?? false }
        /// Whether the back returns its fields: unless `getExtractedData: false`. The page's id/back
        /// request carries no `getExtractedData`, yet the page lists the fields the back returns.
        var extractBack: Bool { body.getExtractedData ?? true }
    }

    /// The transaction a step names, checked against the caller; an error reply if it may not be used.
    func existingTransaction(_ id: String, _ context: StepContext) -> Result<SimulatedTransaction, ReplyError> {
        guard let transaction = transactions[id], transaction.apiKey == context.apiKey else {
            return .failure(ReplyError(.rejected(400, "Transaction not found")))
        }
        if let owner = transaction.owner, owner != context.user?.emailOrPhoneNumber {
            return .failure(ReplyError(.rejected(403, "The transaction belongs to another user")))
        }
        return .success(transaction)
    }

    struct ReplyError: Error {
        var reply: SimulatorReply
        init(_ reply: SimulatorReply) { self.reply = reply }
    }

    mutating func save(_ transaction: SimulatedTransaction) {
        if let previous = transactions[transaction.id] { storedImageBytes -= previous.imageBytes }
        transactions[transaction.id] = transaction
        storedImageBytes += transaction.imageBytes
        recency.touch(transaction.id)
        // Least recently used first: a transaction in the middle of its flow is in use, and stays.
        while transactions.count > max(1, configuration.maxTransactions) || storedImageBytes > configuration.maxStoredImageBytes,
            transactions.count > 1, let oldest = recency.popOldest()
        {
            if oldest == transaction.id {
                recency.touch(oldest)  // keep the one being saved
                break
            }
            if let dropped = transactions.removeValue(forKey: oldest) { storedImageBytes -= dropped.imageBytes }
        }
    }
}
