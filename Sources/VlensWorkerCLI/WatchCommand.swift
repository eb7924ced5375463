import ArgumentParser
import Foundation
import Kafka
import Logging
import Verification

/// `vlens-worker watch`: prints verification results as a table as they arrive.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print verification results from RESULT_TOPIC as they arrive."
    )

    @Option(help: "Stop after this many results.")
    var count: Int?

    @Option(help: "Stop after this many seconds without reaching --count (exit code 1).")
    var timeout: Int = 120

    @Option(help: "Only results of this transaction id prefix.")
    var transactionPrefix: String?

    func run() async throws {
        let environment = try ToolEnvironment.load()
        var logger = Logger(label: "vlens-worker.watch")
        logger.logLevel = .warning
        var configuration = KafkaConsumerConfiguration(
            bootstrapServers: environment.kafka.bootstrapServers,
            groupID: "vlens-worker-watch-\(UUID().uuidString.prefix(8))"
        )
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .seconds(1)
        configuration.autoOffsetReset = .earliest
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try consumer.subscribe(topics: [environment.kafka.resultTopic])

        print(ResultTable.header)
        let deadline = ContinuousClock.now + .seconds(timeout)
        let reachedCount = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return false
            }
            group.addTask {
                var seen = 0
                for try await event in consumer.events {
                    switch event {
                    case .record(let record):
                        guard let result = try? VerificationResult.decode(record.value) else { continue }
                        if let prefix = transactionPrefix, !result.transactionId.hasPrefix(prefix) { continue }
                        print(ResultTable.row(result))
                        seen += 1
                        if let count, seen >= count { return true }
                    case .revoked(let revocation):
                        revocation.acknowledge()
                    case .assigned:
                        break
                    }
                }
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
        try? await consumer.close()
        if count != nil, !reachedCount {
            FileHandle.standardError.write(Data("watch: timed out before \(count ?? 0) results arrived\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// The demo's readable rendering of results: identifiers, outcomes, verdicts and codes, nothing personal.
enum ResultTable {
    static let header = pad(["TRANSACTION", "STEP", "SEQ", "OUTCOME", "VERDICT", "REASON", "FINAL", "LINKED", "ATTEMPTS", "ERROR"])
        + "\n" + String(repeating: "-", count: 150)

    static func row(_ result: VerificationResult) -> String {
        pad([
            result.transactionId,
            result.step?.rawValue ?? "-",
            "\(result.sequence)",
            "\(result.outcome)",
            "\(result.verdict.status)",
            result.verdict.reason?.rawValue ?? "",
            result.isFinal ? "yes" : "no",
            result.userLinked ? "yes" : "no",
            "\(result.attempts)",
            result.error.map { $0.code.rawValue } ?? "",
        ])
    }

    private static func pad(_ columns: [String]) -> String {
        let widths = [22, 10, 5, 10, 14, 24, 6, 7, 9, 24]
        return zip(columns, widths).map { column, width in
            column.count >= width ? String(column.prefix(width - 1)) + " " : column + String(repeating: " ", count: width - column.count)
        }.joined()
    }
}
