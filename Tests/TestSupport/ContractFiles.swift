import Foundation
import ProcessSpawning

/// The repository's contract files, and the Python validator run as a real subprocess.
public enum ContractFiles {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let schemas = root.appendingPathComponent("schemas")
    public static let validator = root.appendingPathComponent("scripts/validate-schemas")

    /// The example files of one kind (`capture-submitted`, `verification-result`, `dead-letter-record`).
    public static func examples(_ kind: String) throws -> [URL] {
        let directory = schemas.appendingPathComponent("examples/\(kind)")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    public struct Run: Sendable {
        public var status: Int32
        public var output: String
    }

    /// Runs `scripts/validate-schemas` with `arguments` and returns its exit status and combined output.
    public static func validate(_ arguments: [String]) async throws -> Run {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("validate-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/env"), arguments: ["python3", validator.path] + arguments,
            environment: ProcessInfo.processInfo.environment, output: .file(output), error: .file(output)
        )
        let status = await process.exited()
        return Run(status: status, output: (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    /// Writes `files` into a fresh temporary directory and returns their paths.
    public static func temporaryFiles(_ files: [(name: String, bytes: [UInt8])]) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("contracts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try files.map { file in
            let url = directory.appendingPathComponent(file.name)
            try Data(file.bytes).write(to: url)
            return url.path
        }
    }
}
