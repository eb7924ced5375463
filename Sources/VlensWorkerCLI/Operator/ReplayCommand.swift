import ArgumentParser
import Foundation
import Kafka
import Logging
import Synchronization
import Verification
import Worker

/// `vlens-worker replay`: re-processes a time range of the capture topic.
///
/// The captures in the range are published again on the capture topic — same key, value and
/// headers, plus `vlens_replayed_from` — so the running workers handle them in per-transaction
/// order. The worker is idempotent: a capture with a stored result is re-published from the store
/// (same result id) and Vlens is called only for captures that never completed. With `STORE_URL`
/// set, the summary tells in advance which is which.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-process a time range of CAPTURE_TOPIC, idempotently (stored results are re-published, Vlens is called only for captures that never completed)."
    )

    @Option(help: "Start of the range: ISO 8601 (2026-11-27T09:00:00Z) or an age (15m, 2h, 1d).")
    var from: OperatorTime

    @Option(help: "End of the range, exclusive (default: now).")
    var to: OperatorTime?

    @Option(help: "Only captures of this transaction id (the Kafka key).")
    var transaction: String?

    @OptionGroup var options: ScanOptions

    static let replayedFromHeader = "vlens_replayed_from"

    func run() async throws {
        let environment = try ToolEnvironment.load()
        let started = Date()
        let end = min(to?.date ?? started, started)
        guard from.date < end else { throw ValidationError("--from must be before --to (and before now)") }
        let tally = Mutex(ReplayTally())
        let (scanned, classified) = try await StoredResultClassifier.withClassifier { classifier in
            let producer = try options.dryRun ? nil : environment.makeProducer()
            let bar = ProgressBar(label: options.dryRun ? "replay (dry run)" : "replay")
            let transaction = self.transaction
            let captureTopic = environment.kafka.captureTopic

            let scan = TopicScan(bootstrapServers: environment.kafka.bootstrapServers, topic: captureTopic, from: from.date, to: end, idleTimeout: .seconds(options.idleTimeout))
            let final = try await scan.run({ record in
                if let transaction, record.key != Array(transaction.utf8) { return }
                let kind = try await classifier?.classify(record)
                if let producer {
                    var copy = KafkaOutgoingRecord(topic: captureTopic, key: record.key, value: record.value, headers: record.headers.filter { $0.key != Self.replayedFromHeader })
                    copy.headers.append(KafkaHeader(key: Self.replayedFromHeader, value: Array("\(record.topic)/\(record.partition)/\(record.offset)".utf8)))
                    _ = try await producer.send(copy)
                }
                tally.withLock { $0.add(kind, published: producer != nil) }
            }, progress: { bar.update(count: $0.inRange, fraction: $0.fraction) })
            bar.finish(count: final.inRange)
            try await producer?.flush(timeout: .seconds(30))
            return (final.records, classifier != nil)
        }
        print(tally.withLock { $0.summary(scanned: scanned, dryRun: options.dryRun, classified: classified, elapsed: Date().timeIntervalSince(started)) })
    }
}

/// Counts for the replay's summary.
struct ReplayTally {
    var selected = 0
    var published = 0
    var kinds: [StoredResultClassifier.Kind: Int] = [:]

    mutating func add(_ kind: StoredResultClassifier.Kind?, published: Bool) {
        selected += 1
        if published { self.published += 1 }
        if let kind { kinds[kind, default: 0] += 1 }
    }

    func summary(scanned: Int, dryRun: Bool, classified: Bool, elapsed: TimeInterval) -> String {
        var lines = [
            "replay summary\(dryRun ? " (dry run: nothing published)" : "")",
            "  records read                   \(scanned)",
            "  captures selected              \(selected)",
            "  published again                \(published)",
        ]
        if classified {
            lines += [
                "  with a stored result           \(kinds[.stored, default: 0])   (re-published from the store; Vlens not called)",
                "  never completed                \(kinds[.pending, default: 0])   (processed now; Vlens called)",
                "  invalid                        \(kinds[.invalid, default: 0])   (dead-lettered again)",
            ]
        } else {
            lines.append("  (set STORE_URL to see which captures have stored results)")
        }
        lines.append("  elapsed                        \(String(format: "%.1f", elapsed)) s")
        return lines.joined(separator: "\n")
    }
}
