import Foundation
import Kafka
import Logging
import Synchronization

/// Reads a topic's records once, in a time window, without joining the workers' group.
///
/// Each partition starts at the first record at or after `from` (the beginning when `from` is
/// nil) and is done at its first record at or after `to`. Since high watermarks are not trusted
/// (not every broker reports them right), a partition with no such record is done when the whole
/// scan saw nothing for `idleTimeout`.
struct TopicScan {
    var bootstrapServers: String
    var topic: String
    var from: Date?
    var to: Date
    var idleTimeout: Duration = .seconds(5)

    /// What the scan has done so far.
    struct Progress: Sendable {
        var records = 0
        var inRange = 0
        /// 0...1: how far each partition got through the window, averaged.
        var fraction = 0.0
    }

    /// Calls `body` with each record in the window, in offset order per partition, and `progress`
    /// as it goes. Returns the final progress.
    func run(
        _ body: @escaping @Sendable (KafkaRecord) async throws -> Void,
        progress: @escaping @Sendable (Progress) -> Void
    ) async throws -> Progress {
        var logger = Logger(label: "vlens-worker.scan")
        logger.logLevel = .error
        var configuration = KafkaConsumerConfiguration(bootstrapServers: bootstrapServers, groupID: "vlens-worker-scan-\(UUID().uuidString.prefix(8))")
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .seconds(1)
        configuration.autoOffsetReset = .earliest
        configuration.receiveMessageMaxBytes = 200_000_000
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try consumer.subscribe(topics: [topic])
        let state = ScanStateBox()
        let idleTimeout = self.idleTimeout
        let window = (from: from, to: to)

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await event in consumer.events {
                    switch event {
                    case .assigned(let partitions):
                        state.value.withLock { $0.assign(partitions) }
                        if let from = window.from {
                            let offsets = try await consumer.offsetsForTimes(Dictionary(uniqueKeysWithValues: partitions.map { ($0, from) }))
                            try consumer.seek(offsets)
                        }
                    case .revoked(let revocation):
                        revocation.acknowledge()
                    case .record(let record):
                        let verdict = state.value.withLock { $0.see(record, window: window) }
                        switch verdict {
                        case .before: break
                        case .inRange: try await body(record)
                        case .after: consumer.pause([record.topicPartition])
                        }
                        progress(state.value.withLock { $0.progress(window: window) })
                    }
                    if state.value.withLock({ $0.isComplete }) { return }
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: .milliseconds(200))
                    let idle = state.value.withLock { $0.idleSince.map { ContinuousClock.now - $0 } }
                    if let idle, idle >= idleTimeout { return }
                    progress(state.value.withLock { $0.progress(window: window) })
                }
            }
            _ = try await group.next()
            group.cancelAll()
        }
        try? await consumer.close()
        var final = state.value.withLock { $0.progress(window: window) }
        final.fraction = 1
        return final
    }
}

private final class ScanStateBox: Sendable {
    let value = Mutex(ScanState())
}

/// The scan's bookkeeping: per-partition position in the window and idleness.
private struct ScanState {
    enum Verdict { case before, inRange, after }

    var latest: [KafkaTopicPartition: Date] = [:]
    var done: Set<KafkaTopicPartition> = []
    var assigned: Set<KafkaTopicPartition> = []
    var origin: Date?
    var records = 0
    var inRange = 0
    /// When the last record (or the first assignment) arrived; nil before any assignment.
    var idleSince: ContinuousClock.Instant?

    var isComplete: Bool { !assigned.isEmpty && assigned.isSubset(of: done) }

    mutating func assign(_ partitions: [KafkaTopicPartition]) {
        assigned.formUnion(partitions)
        idleSince = .now
    }

    mutating func see(_ record: KafkaRecord, window: (from: Date?, to: Date)) -> Verdict {
        idleSince = .now
        records += 1
        let timestamp = record.timestamp ?? window.to
        latest[record.topicPartition] = timestamp
        if origin == nil || timestamp < origin! { origin = timestamp }
        if let from = window.from, timestamp < from { return .before }
        if timestamp >= window.to || done.contains(record.topicPartition) {
            done.insert(record.topicPartition)
            return .after
        }
        inRange += 1
        return .inRange
    }

    func progress(window: (from: Date?, to: Date)) -> TopicScan.Progress {
        let start = window.from ?? origin ?? window.to
        let span = max(window.to.timeIntervalSince(start), 0.001)
        let fractions = assigned.map { partition -> Double in
            if done.contains(partition) { return 1 }
            guard let latest = latest[partition] else { return 0 }
            return min(max(latest.timeIntervalSince(start) / span, 0), 1)
        }
        let fraction = fractions.isEmpty ? 0 : fractions.reduce(0, +) / Double(fractions.count)
        return TopicScan.Progress(records: records, inRange: inRange, fraction: fraction)
    }
}
