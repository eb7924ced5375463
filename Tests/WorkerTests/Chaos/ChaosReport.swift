import Foundation

/// One scenario's figures, appended as a JSON line to `CHAOS_REPORT` (default
/// `.run/chaos-report.jsonl`) for `scripts/chaos` to tabulate.
struct ChaosReport: Codable, Sendable {
    var scenario: String
    var profile: String
    var captures: Int
    /// Captures with at least one result.
    var results: Int
    /// Result records beyond the first per result id (all byte-identical, or the run fails).
    var duplicates: Int
    /// Captures Vlens processed more than once (only allowed for captures in flight at a crash).
    var duplicateVlensCalls: Int
    var deadLetters: Int
    /// The longest time from the end of a fault until results flowed again, in seconds.
    var maxRecoverySeconds: Double?
    var logFindings: Int
    /// Scenarios where a fault blocks part of the load only (one tenant's Vlens, one image host):
    /// the other captures' results that arrived while it lasted (the fewest over its outages),
    /// the blocked captures' results in that time, those that arrived after it, and the time from
    /// its end until the last of them, in seconds. Absent for other scenarios.
    var healthyResultsDuringOutage: Int?
    var blockedResultsDuringOutage: Int?
    var backlogAfterOutage: Int?
    var backlogDrainSeconds: Double?

    func write() {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = ProcessInfo.processInfo.environment["CHAOS_REPORT"] ?? root.appendingPathComponent(".run/chaos-report.jsonl").path
        try? FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        guard var line = try? JSONEncoder().encode(self) else { return }
        line.append(UInt8(ascii: "\n"))
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(line)
            try? handle.close()
        } else {
            _ = FileManager.default.createFile(atPath: path, contents: line)
        }
        print("chaos \(scenario) [\(profile)]: captures \(captures), results \(results), duplicates \(duplicates), duplicate Vlens calls \(duplicateVlensCalls), dead letters \(deadLetters), max recovery \(maxRecoverySeconds.map { String(format: "%.1f s", $0) } ?? "-")\(outageSummary)")
    }

    private var outageSummary: String {
        guard let healthyResultsDuringOutage else { return "" }
        return ", during the outage \(healthyResultsDuringOutage) healthy and \(blockedResultsDuringOutage ?? 0) blocked results, "
            + "\(backlogAfterOutage ?? 0) blocked results after it, backlog drained \(backlogDrainSeconds.map { String(format: "%.1f s", $0) } ?? "-") after it"
    }
}
