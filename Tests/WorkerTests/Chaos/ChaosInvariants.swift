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

    /// Checks the invariants (recording failures) and returns the scenario's report.
    ///
    /// - Parameters:
    ///   - maxDuplicateCalls: how many captures Vlens may have processed twice (captures in flight
    ///     at a crash); 0 for scenarios without crashes.
    ///   - maxDuplicateResults: how many result records may repeat an id (always byte-identical).
    static func check(_ run: ChaosRun, logs: [String], maxDuplicateCalls: Int = 0, maxDuplicateResults: Int? = nil) -> ChaosReport {
        let harness = run.harness
        let records = harness.results.records
        let results = harness.decodedResults()

        // Every capture has a result, and succeeded.
        let firstByCapture = Dictionary(results.map { ($0.causationId, $0) }, uniquingKeysWith: { first, _ in first })
        let missing = run.captures.filter { firstByCapture[$0.eventId] == nil }
        #expect(missing.count == 0, "\(run.name): \(missing.count) captures without a result, in transactions \(Set(missing.map(\.transactionId)).sorted())")
        let unsuccessful = run.captures.compactMap { firstByCapture[$0.eventId] }.filter { $0.outcome != .succeeded }
        #expect(unsuccessful.count == 0, "\(run.name): \(unsuccessful.count) results not succeeded: \(Set(unsuccessful.compactMap { $0.error?.code.rawValue }))")

        // Each transaction's results arrive in input order.
        let byTransaction = Dictionary(grouping: results, by: \.transactionId)
        for flow in run.flows {
            var seen: [CaptureStep] = []
            for result in byTransaction[flow.transactionId] ?? [] {
                if let step = result.step, !seen.contains(step) { seen.append(step) }
            }
            #expect(seen.isEmpty || seen == [.idFront, .idBack, .liveness], "\(run.name): transaction out of order: \(seen)")
        }

        // Duplicates only as identical result ids.
        var byID: [String: [UInt8]] = [:]
        var duplicates = 0
        for record in records {
            guard let id = try? VerificationResult.decode(record.value).eventId else { continue }
            if let earlier = byID[id] {
                duplicates += 1
                #expect(earlier == record.value, "\(run.name): result \(id) was published twice with different bytes")
            } else {
                byID[id] = record.value
            }
        }
        if let maxDuplicateResults { #expect(duplicates <= maxDuplicateResults, "\(run.name): \(duplicates) duplicate results") }

        // At most one processed Vlens call per capture, except those in flight at a crash, counted over
        // every processed call, faulted or not. A call whose reply was lost (processed, then the
        // connection reset or the answer never came) explains one more call of its capture, no more.
        let processed = harness.simulator.ledger().calls.filter { wasProcessed($0.outcome) && $0.requestId != nil }
        let callsByCapture = Dictionary(grouping: processed) { $0.requestId! }.values
        let duplicateCalls = callsByCapture.filter { $0.count - 1 > $0.filter { $0.replyLost }.count }.count
        #expect(duplicateCalls <= maxDuplicateCalls, "\(run.name): \(duplicateCalls) captures called more often than their lost replies explain (allowed \(maxDuplicateCalls))")
        let lostReplies = processed.filter { $0.replyLost }.count
        if lostReplies > 0 {
            let repeated = callsByCapture.filter { $0.count > 1 }.count
            print("chaos \(run.name): \(lostReplies) replies lost after processing; \(repeated) captures called again because of them")
        }

        // Dead letters only for poison input.
        let deadLetters = harness.deadLetters.records
        #expect(deadLetters.count == run.poisonCount, "\(run.name): \(deadLetters.count) dead letters for \(run.poisonCount) poison events")
        let loadKeys = Set(run.flows.map { Array($0.transactionId.utf8) })
        #expect(deadLetters.allSatisfy { !loadKeys.contains($0.key ?? []) }, "\(run.name): a healthy capture was dead-lettered")

        // No personal data in any log.
        let scan = PersonalDataScan(captures: run.captures, results: results)
        let findings = logs.flatMap { scan.findings(in: $0) }
        for finding in Set(findings) { Issue.record(Comment(rawValue: "\(run.name): \(finding)")) }

        // Recovery: from the end of each fault until the next result.
        let stamps = records.compactMap(\.timestamp).sorted()
        let recoveries = run.faultEnds.compactMap { end in stamps.first { $0 > end }.map { $0.timeIntervalSince(end) } }

        return ChaosReport(
            scenario: run.name, profile: run.profile.name, captures: run.captures.count,
            results: run.captures.filter { firstByCapture[$0.eventId] != nil }.count,
            duplicates: duplicates, duplicateVlensCalls: duplicateCalls, deadLetters: deadLetters.count,
            maxRecoverySeconds: recoveries.max(), logFindings: findings.count
        )
    }
}
