import ArgumentParser
import Foundation
import Logging
import MallocTuning
import ServiceLifecycle
import VlensSimulator

@main
struct VlensSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vlens-simulator",
        abstract: "A Vlens Digital Identity simulator with fault injection (see README, \"Vlens simulator\")."
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind (0: any free port; the bound port is logged).") var port = 8080
    @Option(name: .customLong("api-key"), help: "Accepted ApiKey (repeatable). Also read from VLENS_API_KEY.")
    var apiKeys: [String] = []
    @Option(name: .customLong("bearer-token"), help: "Accepted user token, TOKEN or TOKEN=emailOrPhoneNumber (repeatable).")
    var bearerTokens: [String] = []
    @Option(name: .customLong("admin-token"), help: "Accepted admin token with the Requests permission (repeatable).")
    var adminTokens: [String] = []
    @Flag(help: "Require NTRA/CSO checks: a completed flow is verified only if SRC is valid.")
    var tenantRequiresAuthorityChecks = false
    @Option(help: "Requests per second per ApiKey, or 'unlimited'.") var rateLimitRps = "10"
    @Option(help: "Requests per minute per ApiKey, or 'unlimited'.") var rateLimitRpm = "60"
    @Option(help: "Latency: none, fixed:MS, uniform:MIN-MAX, lognormal:P50,P99.") var latency = "none"
    @Option(help: "MiB of images kept in memory; beyond it the least recently used transactions are forgotten.") var maxImageStoreMib = 512
    @Option(help: "Share of calls answered 500.") var error500Rate = 0.0
    @Option(help: "Share of calls answered 503.") var error503Rate = 0.0
    @Option(help: "Share of calls answered 429 with Retry-After.") var error429Rate = 0.0
    @Option(help: "Share of calls answered 429 without Retry-After.") var error429NoRetryAfterRate = 0.0
    @Option(help: "Retry-After seconds of injected 429s.") var retryAfterSeconds = 1
    @Option(help: "Share of calls that hang (never answer).") var hangRate = 0.0
    @Option(help: "Share of calls whose connection is reset.") var resetRate = 0.0
    @Option(help: "Log level.") var logLevel = "info"

    func run() async throws {
        MallocTuning.apply()
        var logger = Logger(label: "vlens-simulator")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let server = VlensSimulatorServer(configuration: try simulatorConfiguration(), logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Hung requests (a fault) would hold a graceful shutdown forever: bound it.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(2)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            let bound = try await server.waitUntilRunning()
            logger.notice("Vlens simulator listening", metadata: [SimulatorLoggingKeys.address: "http://\(host):\(bound)"])
        }
    }
}
