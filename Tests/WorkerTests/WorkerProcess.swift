import Foundation
import ProcessSpawning
import TestSupport

/// A `vlens-worker run` process, for tests that kill or signal a worker.
final class WorkerProcess: Sendable {
    private let process: ChildProcess
    /// Where the worker's JSON log lines go.
    let logFile: URL

    init(environment: [String: String]) throws {
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process = try ChildProcess(
            executable: try BuiltExecutable.url(named: "vlens-worker"), arguments: ["run"],
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
            output: .file(logFile), error: .file(logFile)
        )
    }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL: no drain, no commit, no goodbye.
    func kill() {
        process.kill()
    }

    /// SIGTERM, then waits for the graceful exit; returns the exit status.
    func terminate(timeout: Duration = .seconds(60)) async -> Int32 {
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        process.kill()
        return process.terminationStatus ?? 0
    }

    /// Whether the process has a handler for `signal` now (`SigCgt` in `/proc/<pid>/status`).
    func catches(_ signal: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
            let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    /// Sends `signal` (SIGTERM, SIGINT, ...) without waiting.
    func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Waits up to `timeout` for the worker to exit; its exit code (or ending signal), `nil` if it still runs.
    func exitStatus(within timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// Whether a signal ended the worker (it did not exit by itself).
    var wasSignalled: Bool { process.wasSignalled }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The log, or an error when it cannot be read: a check of the log must not pass on nothing.
    func readLog() throws -> String {
        try String(contentsOf: logFile, encoding: .utf8)
    }

    deinit {
        process.signal(SIGKILL)
        try? FileManager.default.removeItem(at: logFile)
    }
}
