import Foundation
import ProcessSpawning
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
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("operator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out"), err = directory.appendingPathComponent("err")
        let process = try ChildProcess(
            executable: try BuiltExecutable.url(named: "vlens-worker"), arguments: arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, new in new },
            output: .file(out), error: .file(err)
        )
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        process.kill()
        return Output(
            status: process.terminationStatus ?? 0,
            summary: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            progress: (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }
}
