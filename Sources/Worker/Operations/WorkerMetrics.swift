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

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    // MARK: Workflow

    func recordConsumed() { counter("vlens_worker_records_consumed_total").increment() }

    func recordResult(step: String, outcome: String) {
        counter("vlens_worker_results_total", [("step", step), ("outcome", outcome)]).increment()
    }

    /// A new result's verdict: its status and reason (both closed sets), for what contract creation will see.
    func recordVerdict(status: String, reason: String) {
        counter("vlens_worker_verdicts_total", [("status", status), ("reason", reason)]).increment()
    }

    func recordRepublished(step: String) {
        counter("vlens_worker_results_republished_total", [("step", step)]).increment()
    }

    func recordDeadLetter(reason: String) {
        counter("vlens_worker_dead_letters_total", [("reason", reason)]).increment()
    }

    func recordVlensRequest(step: String, statusClass: String, duration: Duration) {
        timer("vlens_worker_vlens_request_duration_seconds", [("step", step), ("status_class", statusClass)]).record(duration: duration)
    }

    func recordRetry(step: String, code: String) {
        counter("vlens_worker_vlens_retries_total", [("step", step), ("code", code)]).increment()
    }

    func recordUncertainRepeat(step: String) {
        counter("vlens_worker_uncertain_repeat_calls_total", [("step", step)]).increment()
    }

    func recordBreaker(tenant: String, open: Bool) {
        gauge("vlens_worker_breaker_open", [("tenant", tenant)]).record(open ? 1 : 0)
        counter("vlens_worker_breaker_transitions_total", [("tenant", tenant), ("to", open ? "open" : "closed")]).increment()
    }

    func recordRateLimiterWait(tenant: String, duration: Duration) {
        timer("vlens_worker_rate_limiter_wait_seconds", [("tenant", tenant)]).record(duration: duration)
    }

    /// This instance's share of the tenant's rate limit, 0...1 (its lease, or its partitions).
    func recordRateShare(tenant: String, share: Double) {
        gauge("vlens_worker_rate_share", [("tenant", tenant)]).record(share)
    }

    func recordRateLimited(tenant: String) {
        counter("vlens_worker_vlens_rate_limited_total", [("tenant", tenant)]).increment()
    }

    func recordStore(operation: String, duration: Duration) {
        timer("vlens_worker_store_duration_seconds", [("operation", operation)]).record(duration: duration)
    }

    /// Rows the retention purge deleted, by table.
    func recordPurged(table: String, rows: Int) {
        counter("vlens_worker_retention_purged_rows_total", [("table", table)]).increment(by: rows)
    }

    /// Capture partitions that no member of the group has owned for longer than the alert bound.
    func recordUnownedPartitions(_ count: Int) {
        gauge("vlens_worker_unowned_partitions").record(count)
    }

    func recordRebalance(assignedPartitions: Int) {
        counter("vlens_worker_rebalances_total").increment()
        gauge("vlens_worker_assigned_partitions").record(assignedPartitions)
    }

    func recordConsumerLag(partition: KafkaTopicPartition, lag: Int64) {
        gauge("vlens_worker_consumer_lag", [("topic", partition.topic), ("partition", String(partition.partition))]).record(lag)
    }

    // MARK: Parking

    /// A capture was parked (a new row in the store's parking lot).
    func recordParked(tenant: String, reason: String) {
        counter("vlens_worker_parked_total", [("tenant", tenant), ("reason", reason)]).increment()
    }

    /// A parked capture was tried again and is still blocked.
    func recordParkRetry(tenant: String, reason: String) {
        counter("vlens_worker_park_retries_total", [("tenant", tenant), ("reason", reason)]).increment()
    }

    /// A parked capture completed (parked for `parkedFor` seconds). `reason` is why it was parked last.
    func recordResumed(tenant: String, reason: String, parkedFor: Double) {
        counter("vlens_worker_resumed_total", [("tenant", tenant), ("reason", reason)]).increment()
        timer("vlens_worker_parked_duration_seconds", [("tenant", tenant)]).recordNanoseconds(Int64(max(parkedFor, 0) * 1e9))
    }

    /// A capture could not be parked because its tenant's parking bound was reached.
    func recordParkingFull(tenant: String) {
        counter("vlens_worker_parking_full_total", [("tenant", tenant)]).increment()
    }

    /// The parking lot's current contents for one tenant and reason.
    func recordParkedNow(tenant: String, reason: String, count: Int, bytes: Int) {
        gauge("vlens_worker_parked_captures", [("tenant", tenant), ("reason", reason)]).record(count)
        gauge("vlens_worker_parked_bytes", [("tenant", tenant), ("reason", reason)]).record(bytes)
    }

    /// The age of the oldest parked capture, in seconds (0 when none is parked).
    func recordOldestParked(ageSeconds: Double) {
        gauge("vlens_worker_parked_oldest_age_seconds").record(ageSeconds)
    }

    /// A parked capture failed for good: its budget (age or attempts) ran out.
    func recordParkExpired(tenant: String) {
        counter("vlens_worker_park_expired_total", [("tenant", tenant)]).increment()
    }

    // MARK: ProcessingMetrics

    public func recordSnapshot(_ snapshot: ProcessingSnapshot) {
        gauge("vlens_worker_in_flight_records").record(snapshot.inFlightRecords)
        gauge("vlens_worker_in_flight_bytes").record(snapshot.inFlightBytes)
        for (partition, load) in snapshot.partitions {
            let labels = [("topic", partition.topic), ("partition", String(partition.partition))]
            gauge("vlens_worker_commit_lag", labels).record(load.commitLag)
            gauge("vlens_worker_queued_records", labels).record(load.queuedRecords)
        }
    }

    public func recordHandlerLatency(_ latency: Duration, partition: KafkaTopicPartition, succeeded: Bool) {
        timer("vlens_worker_handler_duration_seconds", [("outcome", succeeded ? "completed" : "thrown")]).record(duration: latency)
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

    private func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Counter {
        handle("counter|", label, dimensions) { Counter(label: $0, dimensions: $1, factory: factory) }
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> Gauge {
        handle("gauge|", label, dimensions) { Gauge(label: $0, dimensions: $1, factory: factory) }
    }

    private func timer(_ label: String, _ dimensions: [(String, String)] = []) -> Timer {
        handle("timer|", label, dimensions) { Timer(label: $0, dimensions: $1, preferredDisplayUnit: .seconds, factory: factory) }
    }
}
