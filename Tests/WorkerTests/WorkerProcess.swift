import Foundation
import TestSupport

/// A `vlens-worker run` process, for tests that kill or signal a worker.
final class WorkerProcess: @unchecked Sendable {
    // Safe: `process` is only touched by the test task that owns this value.
    private let process = Process()
    /// Where the worker's JSON log lines go.
    let logFile: URL

    init(environment: [String: String]) throws {
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.executableURL = try BuiltExecutable.url(named: "vlens-worker")
        process.arguments = ["run"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let log = try FileHandle(forWritingTo: logFile)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL: no drain, no commit, no goodbye.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for the graceful exit; returns the exit status.
    func terminate(timeout: Duration = .seconds(60)) async -> Int32 {
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning { kill() }
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The log, or an error when it cannot be read: a check of the log must not pass on nothing.
    func readLog() throws -> String {
        try String(contentsOf: logFile, encoding: .utf8)
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: logFile)
    }
}
