import ArgumentParser
import Foundation

/// `vlens-bench drive`: one scenario. Starts the worker process(es), keeps a closed-loop load on
/// the capture topic, measures over a window, and prints one JSON line of ``ScenarioFigures``.
/// The simulator and the broker are started by the caller (`scripts/bench`); the Vlens ApiKey
/// comes from `VLENS_API_KEY`.
struct DriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drive", abstract: "Run one benchmark scenario.")

    @Option(help: "Scenario name (in the figures).") var name: String
    @Option(help: "Broker list (default: KAFKA_BOOTSTRAP_SERVERS).") var bootstrapServers: String?
    @Option(help: "The simulator's base URL.") var simulatorURL: String
    @Option(help: "The vlens-worker executable.") var worker: String
    @Option(help: "key or partition.") var ordering = "key"
    @Option(help: "MAX_IN_FLIGHT of each worker.") var maxInFlight = 256
    @Option(help: "Worker processes (one consumer group).") var instances = 1
    @Option(help: "STORE_URL of the workers (several instances need PostgreSQL).") var storeURL: String
    @Option(help: "Partitions of the benchmark's topics.") var partitions = 6
    @Option(help: "Transactions in progress at once (default: 1.5 x the group's in-flight limit).") var outstanding: Int?
    @Option(help: "The simulator's latency profile, as given to it (for the figures).") var latencyProfile: String
    @Option(help: "The profile's mean latency in ms (for the Little's-law bound).") var latencyMs: Double
    @Option(help: "The tenant rate limit in calls per second (worker and simulator); omit for unlimited.") var rateLimitRps: Double?
    @Option(help: "Serve images as claim checks from this base URL (files written to --claim-check-dir).") var claimCheckURL: String?
    @Option(help: "Where to write claim-check image files.") var claimCheckDir: String?
    @Option(help: "Decoded bytes of each image.") var imageBytes = 300_000
    @Flag(help: "Run the workers in the exactly-once mode (KAFKA_EXACTLY_ONCE).") var exactlyOnce = false
    @Flag(help: "Skewed keys: 80 % of the transactions on 20 % of the partitions.") var skewedKeys = false
    @Option(help: "NAME=PID of a process whose CPU over the window is reported (the simulator, the broker); repeatable.")
    var watchPid: [String] = []
    @Option(help: "RATE_SHARE of the workers: demand or partitions (default: the worker's).") var rateShare: String?
    @Option(help: "Seconds from the first capture to the measuring window.") var warmup = 4.0
    @Option(help: "Seconds of the measuring window.") var duration = 12.0
    @Option(help: "Directory for the workers' logs.") var logDirectory = "bench/out/logs"

    func run() async throws {
        guard let servers = bootstrapServers ?? ProcessInfo.processInfo.environment["KAFKA_BOOTSTRAP_SERVERS"] else {
            throw ValidationError("give --bootstrap-servers or set KAFKA_BOOTSTRAP_SERVERS")
        }
        guard let apiKey = ProcessInfo.processInfo.environment["VLENS_API_KEY"], !apiKey.isEmpty else {
            throw ValidationError("set VLENS_API_KEY to an ApiKey the simulator accepts")
        }
        guard ["key", "partition"].contains(ordering) else { throw ValidationError("--ordering is key or partition") }
        var watched: [String: Int32] = [:]
        for entry in watchPid {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let pid = Int32(parts[1]) else { throw ValidationError("--watch-pid takes NAME=PID, e.g. simulator=1234") }
            watched[String(parts[0])] = pid
        }
        let scenario = Scenario(
            name: name, bootstrapServers: servers, simulatorURL: simulatorURL, apiKey: apiKey, workerExecutable: worker,
            ordering: ordering, maxInFlight: maxInFlight, instances: instances, storeURL: storeURL, partitions: partitions,
            outstanding: outstanding ?? max(maxInFlight * instances * 3 / 2, maxInFlight * instances + 4),
            latencyProfile: latencyProfile, latencyMs: latencyMs, rateLimitRps: rateLimitRps,
            claimCheckURL: claimCheckURL, claimCheckDirectory: claimCheckDir, imageBytes: imageBytes, exactlyOnce: exactlyOnce,
            keySkew: skewedKeys ? KeySkew() : nil, rateShare: rateShare, watchedProcesses: watched,
            warmup: warmup, duration: duration, logDirectory: URL(fileURLWithPath: logDirectory))
        let figures = try await ScenarioRun(scenario: scenario).run()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(figures), as: UTF8.self))
    }
}

/// What one scenario runs.
struct Scenario: Sendable {
    var name: String
    var bootstrapServers: String
    var simulatorURL: String
    var apiKey: String
    var workerExecutable: String
    var ordering: String
    var maxInFlight: Int
    var instances: Int
    var storeURL: String
    var partitions: Int
    var outstanding: Int
    var latencyProfile: String
    var latencyMs: Double
    var rateLimitRps: Double?
    var claimCheckURL: String?
    var claimCheckDirectory: String?
    var imageBytes: Int
    var exactlyOnce: Bool
    /// Uneven keys; `nil` lets the producer hash the keys.
    var keySkew: KeySkew?
    /// `RATE_SHARE` of the workers; `nil` keeps the worker's default.
    var rateShare: String?
    /// Other processes whose CPU over the window is reported, by name (`--watch-pid`).
    var watchedProcesses: [String: Int32] = [:]
    var warmup: Double
    var duration: Double
    var logDirectory: URL
}
