import Foundation
import Kafka
import Verification
import VlensSimulator

/// What a chaos scenario left behind, as plain data: the invariants are checked against this, so a
/// test can plant a fault in it and see the check fail.
struct ChaosEvidence {
    var name: String
    var profile: String
    var captures: [CaptureSubmitted]
    /// Each transaction's id, in the order its captures were submitted (front, back, liveness).
    var transactionIDs: [String]
    /// Result records: value bytes and broker timestamp.
    var results: [(value: [UInt8], timestamp: Date?)]
    var ledgerCalls: [SimulatorLedger.Call]
    /// Keys of the dead-letter records.
    var deadLetterKeys: [[UInt8]?]
    var poisonCount: Int
    var logs: [String]
    var faultEnds: [Date]
    /// Faults that blocked part of the load only.
    var outages: [ChaosOutage]

    init(_ run: ChaosRun, logs: [String]) {
        name = run.name
        profile = run.profile.name
        captures = run.captures
        transactionIDs = run.flows.map(\.transactionId)
        results = run.harness.results.records.map { ($0.value, $0.timestamp) }
        ledgerCalls = run.ledgerCalls()
        deadLetterKeys = run.harness.deadLetters.records.map(\.key)
        poisonCount = run.poisonCount
        self.logs = logs
        faultEnds = run.faultEnds
        outages = run.outages
    }

    init(
        name: String, captures: [CaptureSubmitted], transactionIDs: [String], results: [[UInt8]],
        ledgerCalls: [SimulatorLedger.Call], deadLetterKeys: [[UInt8]?] = [], poisonCount: Int = 0, logs: [String] = []
    ) {
        self.name = name
        profile = "test"
        self.captures = captures
        self.transactionIDs = transactionIDs
        self.results = results.map { ($0, nil) }
        self.ledgerCalls = ledgerCalls
        self.deadLetterKeys = deadLetterKeys
        self.poisonCount = poisonCount
        self.logs = logs
        faultEnds = []
        outages = []
    }
}
