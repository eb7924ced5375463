import ArgumentParser
import Foundation
import Kafka
import Synchronization
import Verification

/// `vlens-worker redrive`: puts dead-letter records back on the capture topic once their cause
/// is fixed (an outage, a missing tenant, a claim-check host not yet allowed).
///
/// Keys, values and headers are preserved; the `dlq_*` headers are removed and
/// `vlens_redriven_from` names the dead letter. A redriven capture whose stored result is
/// `failed` is attempted again under a new result id; one that succeeded meanwhile is only
/// re-published from the store.
struct RedriveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redrive",
        abstract: "Put dead-letter records back on CAPTURE_TOPIC, keys and headers preserved."
    )

    @Option(help: "The dead-letter topic to read (default: DEAD_LETTER_TOPIC).")
    var deadLetterTopic: String?

    @Option(help: "Only dead letters with these reasons (dlq_reason), comma-separated, e.g. vlens_unavailable,unknown_tenant.")
    var filter: String?

    @Option(help: "Only dead letters written at or after this time: ISO 8601 or an age (15m, 2h, 1d).")
    var from: OperatorTime?

    @OptionGroup var options: ScanOptions

    func run() async throws {
        let environment = try ToolEnvironment.load()
        let started = Date()
        let source = deadLetterTopic ?? environment.kafka.deadLetterTopic
        let captureTopic = environment.kafka.captureTopic
        guard source != captureTopic else { throw ValidationError("--dead-letter-topic must differ from CAPTURE_TOPIC (\(captureTopic))") }
        let reasons = filter.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        let producer = try options.dryRun ? nil : environment.makeProducer()
        let tally = Mutex(RedriveTally())
        let bar = ProgressBar(label: options.dryRun ? "redrive (dry run)" : "redrive")

        let scan = TopicScan(bootstrapServers: environment.kafka.bootstrapServers, topic: source, from: from?.date, to: started, idleTimeout: .seconds(options.idleTimeout))
        let final = try await scan.run({ record in
            let reason = record.header(DeadLetterRecord.HeaderName.reason) ?? "unknown"
            // A capture re-delivered after its failure was stored re-publishes its dead letter, byte for
            // byte: one capture, several copies. Only the first copy of a source record counts.
            let origin = [DeadLetterRecord.HeaderName.sourceTopic, DeadLetterRecord.HeaderName.sourcePartition, DeadLetterRecord.HeaderName.sourceOffset]
                .map { record.header($0) ?? "?" }.joined(separator: "/")
            guard tally.withLock({ $0.firstCopies.insert(origin).inserted }) else {
                tally.withLock { $0.copies += 1 }
                return
            }
            guard reasons?.contains(reason) ?? true else {
                tally.withLock { $0.skipped[reason, default: 0] += 1 }
                return
            }
            // A dead letter without its value cannot be put back; the original is at its source offset.
            guard record.header(DeadLetterRecord.HeaderName.valueOmittedBytes) == nil else {
                tally.withLock { $0.skipped["\(reason) (value omitted)", default: 0] += 1 }
                return
            }
            if let producer {
                let headers = DeadLetterRecord.redriveHeaders(
                    record.headers.map { MessageHeader(name: $0.key, value: $0.value ?? []) },
                    deadLetter: "\(record.topic)/\(record.partition)/\(record.offset)"
                )
                _ = try await producer.send(KafkaOutgoingRecord(
                    topic: captureTopic, key: record.key, value: record.value,
                    headers: headers.map { KafkaHeader(key: $0.name, value: $0.value) }
                ))
            }
            tally.withLock { $0.redriven[reason, default: 0] += 1 }
        }, progress: { bar.update(count: $0.inRange, fraction: $0.fraction) })
        bar.finish(count: final.inRange)
        try await producer?.flush(timeout: .seconds(30))
        print(tally.withLock { $0.summary(source: source, target: captureTopic, dryRun: options.dryRun, elapsed: Date().timeIntervalSince(started)) })
    }
}

/// Counts per dead-letter reason for the redrive's summary.
struct RedriveTally {
    var redriven: [String: Int] = [:]
    var skipped: [String: Int] = [:]
    /// Source records (`topic/partition/offset`) already seen in this run, and later copies of them.
    var firstCopies: Set<String> = []
    var copies = 0

    func summary(source: String, target: String, dryRun: Bool, elapsed: TimeInterval) -> String {
        var lines = ["redrive summary: \(source) -> \(target)\(dryRun ? " (dry run: nothing published)" : "")"]
        lines.append("  REASON                         \(dryRun ? "WOULD REDRIVE" : "REDRIVEN")   SKIPPED")
        for reason in Set(redriven.keys).union(skipped.keys).sorted() {
            lines.append("  " + reason.padding(toLength: 30, withPad: " ", startingAt: 0) + " " + String(redriven[reason, default: 0]).padding(toLength: 13, withPad: " ", startingAt: 0) + " " + String(skipped[reason, default: 0]))
        }
        lines.append("  total                          \(redriven.values.reduce(0, +))   skipped \(skipped.values.reduce(0, +))")
        if copies > 0 { lines.append("  identical copies, counted once \(copies)") }
        lines.append("  elapsed                        \(String(format: "%.1f", elapsed)) s")
        return lines.joined(separator: "\n")
    }
}
