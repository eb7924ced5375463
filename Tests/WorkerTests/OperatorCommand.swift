import Foundation
import TestSupport

/// Runs a `vlens-worker` operator command (replay, redrive, …) to completion.
enum OperatorCommand {
    struct Output: Sendable {
        var status: Int32
        /// Standard output: the summary.
        var summary: String
        /// Standard error: the progress lines.
        var progress: String
    }

    static func run(_ arguments: [String], environment: [String: String], timeout: Duration = .seconds(90)) async throws -> Output {
        let process = Process()
        process.executableURL = try BuiltExecutable.url(named: "vlens-worker")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("operator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return Output(
            status: process.terminationStatus,
            summary: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            progress: (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }
}
