import AsyncHTTPClient
import Foundation
import Kafka
import Logging
import Verification

/// Runs one ``Scenario``: topics, worker processes, the closed-loop load, the measuring window, the
/// simulator's ledger; then stops the workers and computes the ``ScenarioFigures``.
struct ScenarioRun: Sendable {
    /// One result the driver matched to a capture it sent.
    struct Sample: Sendable {
        var eventId: String
        var completedAt: Date
        var e2eMs: Double
        var workerMs: Double
        var outcome: String
    }

    /// What the driver's tasks share.
    struct LoopState: Sendable {
        var load: ClosedLoopLoad
        var samples: [Sample] = []
        var stopping = false
    }

    let scenario: Scenario

    func run() async throws -> ScenarioFigures {
        var logger = Logger(label: "vlens-bench")
        logger.logLevel = .warning
        let runID = "\(scenario.name)-\(UUID().uuidString.prefix(6).lowercased())"
        let topics = BenchTopics(runID: runID)
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let figures = try await run(runID: runID, topics: topics, httpClient: httpClient, logger: logger)
            try await httpClient.shutdown()
            return figures
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    private func run(runID: String, topics: BenchTopics, httpClient: HTTPClient, logger: Logger) async throws -> ScenarioFigures {
        let images = BenchImages(people: 8, imageBytes: scenario.imageBytes)
        var claimChecks: [String: ClaimCheckImage]?
        if let base = scenario.claimCheckURL, let directory = scenario.claimCheckDirectory {
            claimChecks = try images.writeClaimChecks(to: URL(fileURLWithPath: directory), baseURL: base)
        }
        let builder = CaptureBuilder(images: images, claimChecks: claimChecks, topic: topics.captures)

        let admin = try KafkaAdmin(bootstrapServers: scenario.bootstrapServers, logger: logger)
        for topic in [topics.captures, topics.results, topics.status, topics.deadLetters] {
            try await admin.createTopic(topic, partitions: scenario.partitions)
        }
        let simulator = SimulatorAdmin(baseURL: scenario.simulatorURL, httpClient: httpClient)
        try await simulator.reset()

        let clients = try Clients(scenario: scenario, topics: topics, logger: logger)
        try FileManager.default.createDirectory(at: scenario.logDirectory, withIntermediateDirectories: true)
        let workers = try (0..<scenario.instances).map { instance in
            try WorkerProcess(
                executable: scenario.workerExecutable,
                environment: scenario.workerEnvironment(instance: instance, topics: topics),
                httpPort: WorkerProcess.freePort(),
                logFile: scenario.logDirectory.appendingPathComponent("\(runID)-worker-\(instance).log"))
        }
        do {
            try await waitUntilReady(workers, httpClient: httpClient)
            progress("\(workers.count) worker(s) ready")
            let measured = try await measure(workers: workers, clients: clients, builder: builder, runID: runID, httpClient: httpClient)
            let ledger = try await simulator.ledger()
            for (index, worker) in workers.enumerated() where !worker.isRunning {
                progress("worker \(index) exited before it was stopped; see its log")
            }
            for worker in workers { await worker.stop(grace: .seconds(8)) }
            progress("workers stopped")
            return figures(measured, ledger: ledger)
        } catch {
            for worker in workers { await worker.stop(grace: .seconds(3)) }
            throw error
        }
    }

    /// A progress line on stderr (stdout carries the figures).
    func progress(_ message: String) {
        FileHandle.standardError.write(Data("[vlens-bench] \(scenario.name): \(message)\n".utf8))
    }

    /// Every worker has joined the group and holds partitions (so the group has settled).
    private func waitUntilReady(_ workers: [WorkerProcess], httpClient: HTTPClient) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        for worker in workers {
            while !(await SimulatorAdmin.isReady(port: worker.httpPort, httpClient: httpClient)) {
                guard worker.isRunning else { throw BenchError("a worker exited before it was ready; see \(scenario.logDirectory.path)") }
                guard ContinuousClock.now < deadline else { throw BenchError("the workers were not ready within 90 s") }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}

/// A failure of the benchmark itself (not of the worker under test).
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
