import ArgumentParser
import Foundation
import Logging
import MallocTuning
import Worker
import Observability
import WorkerSettings

/// `vlens-worker run`: the worker itself. Configuration comes from environment variables (and
/// `CONFIG_FILE`), never from flags, so secrets stay out of process listings.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the worker (configured by environment variables; see README.md)."
    )

    func run() async throws {
        MallocTuning.apply()
        let configuration: WorkerConfiguration
        do {
            configuration = try await WorkerConfiguration.load()
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("vlens-worker: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        let logger = Logger(label: "vlens-worker")
        do {
            try await WorkerApplication(configuration: configuration, logger: logger).run()
        } catch let error as WorkerApplication.StoppedWithoutDrain {
            logger.warning("worker stopped", metadata: [WorkerLoggingKeys.error: "\(error)"])
            throw ExitCode(130)
        } catch {
            logger.critical("worker stopped on an error", metadata: [WorkerLoggingKeys.error: "\(error)"])
            throw ExitCode.failure
        }
    }
}
