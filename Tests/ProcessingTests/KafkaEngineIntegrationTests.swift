import Foundation
import ProcessSpawning
import Testing
import TestSupport

/// Two engine processes in one consumer group against the real broker; one is SIGKILLed mid-load.
@Suite("Engine against the broker", .serialized, .timeLimit(.minutes(5)))
struct KafkaEngineIntegrationTests {
    struct MissingWorker: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "The helper executable \(path) does not exist. Build it with `swift build --build-tests` (it builds every target) and run the test again."
        }
    }

    /// One line of the handled log: `instance partition offset key sequence`.
    struct Handled {
        var instance: String
        var key: String
        var sequence: Int
    }

    static let keys = 30
    static let sequencesPerKey = 20

    @Test("with one of two instances SIGKILLed mid-load, every record is handled and per-key order holds")
    func survivesKillMidLoad() async throws {
        let bootstrapServers = try TestEnvironment.kafkaBootstrapServers()
        let worker = Self.workerPath()
        guard FileManager.default.isExecutableFile(atPath: worker) else { throw MissingWorker(path: worker) }
        let topic = TestEnvironment.uniqueName("engine-kill")
        let group = TestEnvironment.uniqueName("engine-kill-group")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestEnvironment.uniqueName("engine-kill"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let handledLog = directory.appendingPathComponent("handled.log").path

        func start(_ instance: String) throws -> ChildProcess {
            // The workers' logs stay in the directory when the test fails.
            let output = directory.appendingPathComponent("\(instance).log")
            return try ChildProcess(
                executable: URL(fileURLWithPath: worker),
                arguments: [
                    "consume", "--bootstrap-servers", bootstrapServers, "--topic", topic, "--group", group,
                    "--handled-log", handledLog, "--instance", instance, "--sleep-milliseconds", "150", "--max-in-flight", "4",
                ],
                environment: ProcessInfo.processInfo.environment, output: .file(output), error: .file(output)
            )
        }
        let producer = try ChildProcess(
            executable: URL(fileURLWithPath: worker),
            arguments: [
                "produce", "--bootstrap-servers", bootstrapServers, "--topic", topic, "--partitions", "4",
                "--keys", "\(Self.keys)", "--sequences", "\(Self.sequencesPerKey)",
            ],
            environment: ProcessInfo.processInfo.environment, output: .inherit, error: .inherit
        )
        try await waitFor { !producer.isRunning }
        try #require(producer.terminationStatus == 0, "producing the test records failed")

        let victim = try start("a")
        let survivor = try start("b")
        defer {
            for process in [victim, survivor] { process.kill() }
        }

        let total = Self.keys * Self.sequencesPerKey
        // Kill once both instances handle records and about a third of the load is done.
        try await waitFor {
            let lines = try Self.read(handledLog)
            return lines.count >= total / 3 && Set(lines.map(\.instance)) == ["a", "b"]
        }
        victim.kill()
        try await waitFor {
            Set(try Self.read(handledLog).map { "\($0.key)/\($0.sequence)" }).count == total
        }
        survivor.terminate()  // SIGTERM: a graceful shutdown
        try await waitFor { !survivor.isRunning }
        #expect(survivor.terminationStatus == 0)

        let handled = try Self.read(handledLog)
        var seen: [String: Set<Int>] = [:]
        var violations: [String] = []
        for line in handled {
            if line.sequence > 1, seen[line.key]?.contains(line.sequence - 1) != true {
                violations.append("\(line.instance) handled \(line.key)#\(line.sequence) before \(line.key)#\(line.sequence - 1) was handled")
            }
            seen[line.key, default: []].insert(line.sequence)
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        let perInstance = Dictionary(grouping: handled, by: \.instance).mapValues(\.count)
        print("engine kill test: \(handled.count) handled lines for \(total) records, per instance \(perInstance)")
        for key in 0..<Self.keys {
            #expect(seen["key\(key)"] == Set(1...Self.sequencesPerKey), "key\(key) missing records")
        }
        if violations.isEmpty { try? FileManager.default.removeItem(at: directory) }
    }

    private static func workerPath() -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/ProcessingTestWorker").path
    }

    private static func read(_ path: String) throws -> [Handled] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 5, let sequence = Int(fields[4]) else { return nil }
            return Handled(instance: String(fields[0]), key: String(fields[3]), sequence: sequence)
        }
    }

    /// Polls `condition` every 100 ms; the suite's time limit bounds the wait.
    private func waitFor(_ condition: () throws -> Bool) async throws {
        while try !condition() {
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
