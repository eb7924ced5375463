import Foundation

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

    /// Runs `scripts/validate-schemas` with `arguments` on a dispatch thread (never blocking the
    /// cooperative pool) and returns its exit status and combined output.
    public static func validate(_ arguments: [String]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["python3", validator.path] + arguments
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                do {
                    try process.run()
                    let output = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(
                        returning: Run(
                            status: process.terminationStatus,
                            output: String(decoding: output, as: UTF8.self)
                        ))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
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
