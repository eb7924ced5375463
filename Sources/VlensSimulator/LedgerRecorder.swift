/// Records every call into the ledger: aggregated entries (never dropped) and a bounded list of calls.
struct LedgerRecorder: Sendable {
    private struct Key: Hashable {
        var step: String
        var transactionId: String?
        var clientTransactionId: String?
    }

    private var entries: [Key: SimulatorLedger.Entry] = [:]
    private var order: [Key] = []
    private var calls: [SimulatorLedger.Call] = []
    private var callsHead = 0
    private var totals = SimulatorLedger.Totals(calls: 0, byStep: [:], byOutcome: [:])
    let maxCalls: Int

    init(maxCalls: Int) { self.maxCalls = max(1, maxCalls) }

    var totalCalls: Int { totals.calls }

    mutating func record(_ call: SimulatorCall, transactionId: String?, reply: SimulatorReply, replyLost: Bool = false, receivedAtMilliseconds: Int64? = nil) {
        let step = call.step.rawValue
        totals.calls += 1
        totals.byStep[step, default: 0] += 1
        totals.byOutcome[reply.outcome, default: 0] += 1

        let key = Key(step: step, transactionId: transactionId, clientTransactionId: call.clientTransactionId)
        if entries[key] == nil {
            order.append(key)
            entries[key] = .init(
                step: step, transactionId: transactionId, clientTransactionId: call.clientTransactionId,
                calls: 0, requestIds: [], outcomes: [])
        }
        entries[key]!.calls += 1
        entries[key]!.requestIds.append(call.requestId)
        entries[key]!.outcomes.append(reply.outcome)

        calls.append(
            .init(
                sequence: totals.calls, step: step, transactionId: transactionId,
                clientTransactionId: call.clientTransactionId, requestId: call.requestId,
                outcome: reply.outcome, status: reply.status, hadBearer: call.authorization != nil,
                traceparent: call.traceparent, replyLost: replyLost, getExtractedData: call.body?.getExtractedData,
                receivedAtMilliseconds: receivedAtMilliseconds))
        if calls.count - callsHead > maxCalls {
            callsHead += 1
            if callsHead > maxCalls { calls.removeFirst(callsHead); callsHead = 0 }
        }
    }

    func snapshot(step: String?, transactionId: String?, clientTransactionId: String?) -> SimulatorLedger {
        func matches(step s: String, transactionId t: String?, clientTransactionId c: String?) -> Bool {
            (step == nil || s == step) && (transactionId == nil || t == transactionId)
                && (clientTransactionId == nil || c == clientTransactionId)
        }
        return SimulatorLedger(
            entries: order.compactMap { entries[$0] }.filter {
                matches(step: $0.step, transactionId: $0.transactionId, clientTransactionId: $0.clientTransactionId)
            },
            calls: calls[callsHead...].filter {
                matches(step: $0.step, transactionId: $0.transactionId, clientTransactionId: $0.clientTransactionId)
            },
            totals: totals)
    }
}
