import CoreMetrics
import Kafka
import Processing
import Synchronization

/// The worker's metrics, created from an injected factory (Prometheus in production).
///
/// Labels are bounded: steps, outcomes, error codes, status classes, tenants from configuration
/// and partition numbers. Never transaction ids, event ids or anything personal.
public final class WorkerMetrics: ProcessingMetrics, Sendable {
    private let factory: any MetricsFactory
    /// Metric objects by kind and label set, so each combination is created once.
    private let handles = Mutex<[String: AnyObject]>([:])
    /// The partitions the last snapshot reported, so one that left (revoked) reads 0, not its last load.
    private let reportedPartitions = Mutex<Set<KafkaTopicPartition>>([])

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    // MARK: Workflow

    package func recordConsumed() { counter(.recordsConsumed).increment() }

    package func recordResult(step: String, outcome: String) {
        counter(.results, [("step", step), ("outcome", outcome)]).increment()
    }

    /// A new result's verdict: its status and reason (both closed sets), for what contract creation will see.
    package func recordVerdict(status: String, reason: String) {
        counter(.verdicts, [("status", status), ("reason", reason)]).increment()
    }

    package func recordRepublished(step: String) {
        counter(.resultsRepublished, [("step", step)]).increment()
    }

    package func recordDeadLetter(reason: String) {
        counter(.deadLetters, [("reason", reason)]).increment()
    }

    package func recordVlensRequest(step: String, statusClass: String, duration: Duration) {
        timer(.vlensRequestDuration, [("step", step), ("status_class", statusClass)]).record(duration: duration)
    }

    package func recordRetry(step: String, code: String) {
        counter(.vlensRetries, [("step", step), ("code", code)]).increment()
    }

    package func recordUncertainRepeat(step: String) {
        counter(.uncertainRepeatCalls, [("step", step)]).increment()
    }

    package func recordBreaker(tenant: String, open: Bool) {
        gauge(.breakerOpen, [("tenant", tenant)]).record(open ? 1 : 0)
        counter(.breakerTransitions, [("tenant", tenant), ("to", open ? "open" : "closed")]).increment()
    }

    package func recordRateLimiterWait(tenant: String, duration: Duration) {
        timer(.rateLimiterWait, [("tenant", tenant)]).record(duration: duration)
    }

    /// This instance's share of the tenant's rate limit, 0...1 (its lease, or its partitions).
    package func recordRateShare(tenant: String, share: Double) {
        gauge(.rateShare, [("tenant", tenant)]).record(share)
    }

    package func recordRateLimited(tenant: String) {
        counter(.vlensRateLimited, [("tenant", tenant)]).increment()
    }

    package func recordStore(operation: String, duration: Duration) {
        timer(.storeDuration, [("operation", operation)]).record(duration: duration)
    }

    /// Whether the store answered its last probe.
    package func recordStoreReachable(_ reachable: Bool) {
        gauge(.storeReachable).record(reachable ? 1 : 0)
    }

    /// Rows the retention purge deleted, by table.
    package func recordPurged(table: String, rows: Int) {
        counter(.retentionPurgedRows, [("table", table)]).increment(by: rows)
    }

    /// Capture partitions that no member of the group has owned for longer than the alert bound.
    package func recordUnownedPartitions(_ count: Int) {
        gauge(.unownedPartitions).record(count)
    }

    package func recordRebalance(assignedPartitions: Int) {
        counter(.rebalances).increment()
        gauge(.assignedPartitions).record(assignedPartitions)
    }

    /// Records librdkafka's lag for a partition the engine holds (as of its last snapshot); a revoked
    /// partition's lag, which statistics may still report, is left at the 0 its revocation wrote.
    package func recordConsumerLag(partition: KafkaTopicPartition, lag: Int64) {
        guard reportedPartitions.withLock({ $0.contains(partition) }) else { return }
        gauge(.consumerLag, [("topic", partition.topic), ("partition", String(partition.partition))]).record(lag)
    }

    // MARK: Parking

    /// A capture was parked (a new row in the store's parking lot).
    package func recordParked(tenant: String, reason: String) {
        counter(.parked, [("tenant", tenant), ("reason", reason)]).increment()
    }

    /// A parked capture was tried again and is still blocked.
    package func recordParkRetry(tenant: String, reason: String) {
        counter(.parkRetries, [("tenant", tenant), ("reason", reason)]).increment()
    }

    /// A parked capture completed (parked for `parkedFor` seconds). `reason` is why it was parked last.
    package func recordResumed(tenant: String, reason: String, parkedFor: Double) {
        counter(.resumed, [("tenant", tenant), ("reason", reason)]).increment()
        timer(.parkedDuration, [("tenant", tenant)]).recordNanoseconds(Int64(max(parkedFor, 0) * 1e9))
    }

    /// A capture could not be parked because its tenant's parking bound was reached.
    package func recordParkingFull(tenant: String) {
        counter(.parkingFull, [("tenant", tenant)]).increment()
    }

    /// The largest value a dead letter carries now (``WorkerMetric/deadLetterValueLimit``).
    package func recordDeadLetterValueLimit(bytes: Int) {
        gauge(.deadLetterValueLimit).record(bytes)
    }

    /// The parking lot's current contents for one tenant and reason.
    package func recordParkedNow(tenant: String, reason: String, count: Int, bytes: Int) {
        gauge(.parkedCaptures, [("tenant", tenant), ("reason", reason)]).record(count)
        gauge(.parkedBytes, [("tenant", tenant), ("reason", reason)]).record(bytes)
    }

    /// The age of the oldest parked capture, in seconds (0 when none is parked).
    package func recordOldestParked(ageSeconds: Double) {
        gauge(.parkedOldestAge).record(ageSeconds)
    }

    /// A parked capture failed for good: its budget (age or attempts) ran out.
    package func recordParkExpired(tenant: String) {
        counter(.parkExpired, [("tenant", tenant)]).increment()
    }

    // MARK: ProcessingMetrics

    public func recordSnapshot(_ snapshot: ProcessingSnapshot) {
        gauge(.inFlightRecords).record(snapshot.inFlightRecords)
        gauge(.inFlightBytes).record(snapshot.inFlightBytes)
        gauge(.peakInFlightBytes).record(snapshot.peakInFlightBytes)
        for (partition, load) in snapshot.partitions {
            let labels = [("topic", partition.topic), ("partition", String(partition.partition))]
            gauge(.commitLag, labels).record(load.commitLag)
            gauge(.queuedRecords, labels).record(load.queuedRecords)
        }
        let current = Set(snapshot.partitions.keys)
        let left = reportedPartitions.withLock { reported in
            defer { reported = current }
            return reported.subtracting(current)
        }
        for partition in left {
            let labels = [("topic", partition.topic), ("partition", String(partition.partition))]
            gauge(.commitLag, labels).record(0)
            gauge(.queuedRecords, labels).record(0)
            gauge(.consumerLag, labels).record(0)
        }
    }

    public func recordHandlerLatency(_ latency: Duration, partition: KafkaTopicPartition, succeeded: Bool) {
        timer(.handlerDuration, [("outcome", succeeded ? "completed" : "thrown")]).record(duration: latency)
    }

    // MARK: Handles

    /// The cached metric of `kind`, `label` and `dimensions`. The key is built by appending to one
    /// string (no type name: printing a metatype costs a runtime lookup on every call).
    private func handle<Metric: AnyObject>(
        _ kind: StaticString, _ label: String, _ dimensions: [(String, String)], make: (String, [(String, String)]) -> Metric
    ) -> Metric {
        var key = kind.description
        key += label
        for (name, value) in dimensions {
            key += "|"
            key += name
            key += "="
            key += value
        }
        return handles.withLock { cache in
            if let existing = cache[key] as? Metric { return existing }
            let made = make(label, dimensions)
            cache[key] = made
            return made
        }
    }

    private func counter(_ metric: WorkerMetric, _ dimensions: [(String, String)] = []) -> Counter {
        assert(metric.kind == .counter)
        return handle("counter|", metric.rawValue, dimensions) { Counter(label: $0, dimensions: $1, factory: factory) }
    }

    private func gauge(_ metric: WorkerMetric, _ dimensions: [(String, String)] = []) -> Gauge {
        assert(metric.kind == .gauge)
        return handle("gauge|", metric.rawValue, dimensions) { Gauge(label: $0, dimensions: $1, factory: factory) }
    }

    private func timer(_ metric: WorkerMetric, _ dimensions: [(String, String)] = []) -> Timer {
        assert(metric.kind == .histogram)
        return handle("timer|", metric.rawValue, dimensions) { Timer(label: $0, dimensions: $1, preferredDisplayUnit: .seconds, factory: factory) }
    }
}
