import Foundation
import Testing
import Verification

/// The invariants every chaos scenario must keep, checked against the result topic, the
/// dead-letter topic, the simulator's ledger and the workers' logs.
enum ChaosInvariants {
    /// Ledger outcomes of calls the simulator answered without processing the step.
    static func wasProcessed(_ outcome: String) -> Bool {
        !(outcome.hasPrefix("fault_") || outcome == "hung" || outcome == "reset" || outcome.hasPrefix("rate_limited"))
    }

    /// Checks the invariants, records each failure as an issue, and returns the scenario's report.
    static func check(_ run: ChaosRun, logs: [String], maxDuplicateCalls: Int = 0, maxDuplicateResults: Int? = nil) -> ChaosReport {
        let (report, failures) = evaluate(ChaosEvidence(run, logs: logs), maxDuplicateCalls: maxDuplicateCalls, maxDuplicateResults: maxDuplicateResults)
        for failure in failures { Issue.record(Comment(rawValue: failure)) }
        return report
    }

    /// The invariants over `evidence`: the report, and one line per broken invariant.
    ///
    /// - Parameters:
    ///   - maxDuplicateCalls: how many captures Vlens may have processed more often than their lost
    ///     replies explain (captures in flight at a crash); 0 for scenarios without crashes.
    ///   - maxDuplicateResults: how many result records may repeat an id (always byte-identical).
    static func evaluate(_ evidence: ChaosEvidence, maxDuplicateCalls: Int = 0, maxDuplicateResults: Int? = nil) -> (ChaosReport, failures: [String]) {
        let name = evidence.name
        var failures: [String] = []
        let results = evidence.results.compactMap { try? VerificationResult.decode($0.value) }

        // Every capture has a result, and succeeded.
        let firstByCapture = Dictionary(results.map { ($0.causationId, $0) }, uniquingKeysWith: { first, _ in first })
        let missing = evidence.captures.filter { firstByCapture[$0.eventId] == nil }
        if !missing.isEmpty {
            failures.append("\(name): \(missing.count) captures without a result, in transactions \(Set(missing.map(\.transactionId)).sorted())")
        }
        let unsuccessful = evidence.captures.compactMap { firstByCapture[$0.eventId] }.filter { $0.outcome != .succeeded }
        if !unsuccessful.isEmpty {
            failures.append("\(name): \(unsuccessful.count) results not succeeded: \(Set(unsuccessful.compactMap { $0.error?.code.rawValue }))")
        }

        // Each transaction's results arrive in input order.
        let byTransaction = Dictionary(grouping: results, by: \.transactionId)
        for transactionID in evidence.transactionIDs {
            var seen: [CaptureStep] = []
            for result in byTransaction[transactionID] ?? [] {
                if let step = result.step, !seen.contains(step) { seen.append(step) }
            }
            if !(seen.isEmpty || seen == [.idFront, .idBack, .liveness]) {
                failures.append("\(name): transaction out of order: \(seen)")
            }
        }

        // Duplicates only as identical result ids.
        var byID: [String: [UInt8]] = [:]
        var duplicates = 0
        for record in evidence.results {
            guard let id = try? VerificationResult.decode(record.value).eventId else { continue }
            if let earlier = byID[id] {
                duplicates += 1
                if earlier != record.value { failures.append("\(name): result \(id) was published twice with different bytes") }
            } else {
                byID[id] = record.value
            }
        }
        if let maxDuplicateResults, duplicates > maxDuplicateResults { failures.append("\(name): \(duplicates) duplicate results") }

        // At most one processed Vlens call per capture, except those in flight at a crash, counted over
        // every processed call, faulted or not. A call whose reply was lost (processed, then the
        // connection reset or the answer never came) explains one more call of its capture, no more.
        let processed = evidence.ledgerCalls.filter { wasProcessed($0.outcome) && $0.requestId != nil }
        let callsByCapture = Dictionary(grouping: processed) { $0.requestId! }.values
        let duplicateCalls = callsByCapture.filter { $0.count - 1 > $0.filter { $0.replyLost }.count }.count
        if duplicateCalls > maxDuplicateCalls {
            failures.append("\(name): \(duplicateCalls) captures called more often than their lost replies explain (allowed \(maxDuplicateCalls))")
        }
        let lostReplies = processed.filter { $0.replyLost }.count
        if lostReplies > 0 {
            let repeated = callsByCapture.filter { $0.count > 1 }.count
            print("chaos \(name): \(lostReplies) replies lost after processing; \(repeated) captures called again because of them")
        }

        // Dead letters only for poison input.
        if evidence.deadLetterKeys.count != evidence.poisonCount {
            failures.append("\(name): \(evidence.deadLetterKeys.count) dead letters for \(evidence.poisonCount) poison events")
        }
        let loadKeys = Set(evidence.transactionIDs.map { Array($0.utf8) })
        if evidence.deadLetterKeys.contains(where: { loadKeys.contains($0 ?? []) }) {
            failures.append("\(name): a healthy capture was dead-lettered")
        }

        // No personal data in any log.
        let scan = PersonalDataScan(captures: evidence.captures, results: results)
        let findings = evidence.logs.flatMap { scan.findings(in: $0) }
        failures += Set(findings).sorted().map { "\(name): \($0)" }

        // Recovery: from the end of each fault until the next result.
        let stamps = evidence.results.compactMap(\.timestamp).sorted()
        let recoveries = evidence.faultEnds.compactMap { end in stamps.first { $0 > end }.map { $0.timeIntervalSince(end) } }

        // Partial outages: the rest of the load kept flowing while part of it was blocked; the blocked
        // part's backlog drained after the fault ended.
        var outageFigures: [(healthy: Int, blocked: Int, backlog: Int, drain: Double)] = []
        if !evidence.outages.isEmpty {
            let firstStamps = firstResultStamps(evidence)
            let transactionOf = Dictionary(evidence.captures.map { ($0.eventId, $0.transactionId) }) { first, _ in first }
            for outage in evidence.outages {
                var healthy = 0
                var blocked = 0
                var backlog = 0
                var lastBlocked: Date?
                for (capture, stamp) in firstStamps {
                    guard let transaction = transactionOf[capture] else { continue }
                    let isAffected = outage.affected.contains(transaction)
                    let during = stamp >= outage.start && stamp <= outage.end
                    if isAffected {
                        if during { blocked += 1 }
                        if stamp > outage.end { backlog += 1 }
                        lastBlocked = max(lastBlocked ?? stamp, stamp)
                    } else if during {
                        healthy += 1
                    }
                }
                if healthy == 0 {
                    failures.append("\(name): no result of the transactions outside \(outage.label) arrived during it (\(Int(outage.end.timeIntervalSince(outage.start))) s)")
                }
                outageFigures.append((healthy, blocked, backlog, max(0, lastBlocked.map { $0.timeIntervalSince(outage.end) } ?? 0)))
            }
        }

        var report = ChaosReport(
            scenario: name, profile: evidence.profile, captures: evidence.captures.count,
            results: evidence.captures.filter { firstByCapture[$0.eventId] != nil }.count,
            duplicates: duplicates, duplicateVlensCalls: duplicateCalls, deadLetters: evidence.deadLetterKeys.count,
            maxRecoverySeconds: recoveries.max(), logFindings: findings.count
        )
        if !outageFigures.isEmpty {
            report.healthyResultsDuringOutage = outageFigures.map(\.healthy).min()
            report.blockedResultsDuringOutage = outageFigures.map(\.blocked).reduce(0, +)
            report.backlogAfterOutage = outageFigures.map(\.backlog).reduce(0, +)
            report.backlogDrainSeconds = outageFigures.map(\.drain).max()
        }
        return (report, failures)
    }

    /// Each capture's first result's broker timestamp, by the capture's event id.
    private static func firstResultStamps(_ evidence: ChaosEvidence) -> [String: Date] {
        var stamps: [String: Date] = [:]
        for record in evidence.results {
            guard let stamp = record.timestamp, let result = try? VerificationResult.decode(record.value) else { continue }
            stamps[result.causationId] = min(stamps[result.causationId] ?? stamp, stamp)
        }
        return stamps
    }
}
