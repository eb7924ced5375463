/// Every metric the worker exports, with its kind and meaning: `vlens-worker metrics --list` prints
/// this catalog, and `scripts/validate-deploy` checks dashboards and alert rules against it.
/// ``WorkerMetrics`` creates metrics only from these cases, so nothing is exported that is not listed.
public enum WorkerMetric: String, CaseIterable, Sendable, Encodable {
    case recordsConsumed = "vlens_worker_records_consumed_total"
    case results = "vlens_worker_results_total"
    case verdicts = "vlens_worker_verdicts_total"
    case resultsRepublished = "vlens_worker_results_republished_total"
    case deadLetters = "vlens_worker_dead_letters_total"
    case deadLetterValueLimit = "vlens_worker_dead_letter_value_limit_bytes"
    case vlensRequestDuration = "vlens_worker_vlens_request_duration_seconds"
    case vlensRetries = "vlens_worker_vlens_retries_total"
    case uncertainRepeatCalls = "vlens_worker_uncertain_repeat_calls_total"
    case breakerOpen = "vlens_worker_breaker_open"
    case breakerTransitions = "vlens_worker_breaker_transitions_total"
    case rateLimiterWait = "vlens_worker_rate_limiter_wait_seconds"
    case rateShare = "vlens_worker_rate_share"
    case vlensRateLimited = "vlens_worker_vlens_rate_limited_total"
    case storeDuration = "vlens_worker_store_duration_seconds"
    case storeReachable = "vlens_worker_store_reachable"
    case retentionPurgedRows = "vlens_worker_retention_purged_rows_total"
    case unownedPartitions = "vlens_worker_unowned_partitions"
    case rebalances = "vlens_worker_rebalances_total"
    case assignedPartitions = "vlens_worker_assigned_partitions"
    case consumerLag = "vlens_worker_consumer_lag"
    case parked = "vlens_worker_parked_total"
    case parkRetries = "vlens_worker_park_retries_total"
    case resumed = "vlens_worker_resumed_total"
    case parkedDuration = "vlens_worker_parked_duration_seconds"
    case parkingFull = "vlens_worker_parking_full_total"
    case parkedCaptures = "vlens_worker_parked_captures"
    case parkedBytes = "vlens_worker_parked_bytes"
    case parkedOldestAge = "vlens_worker_parked_oldest_age_seconds"
    case parkExpired = "vlens_worker_park_expired_total"
    case inFlightRecords = "vlens_worker_in_flight_records"
    case inFlightBytes = "vlens_worker_in_flight_bytes"
    case peakInFlightBytes = "vlens_worker_in_flight_bytes_peak"
    case commitLag = "vlens_worker_commit_lag"
    case queuedRecords = "vlens_worker_queued_records"
    case handlerDuration = "vlens_worker_handler_duration_seconds"

    /// How Prometheus exposes it. Histograms add `_bucket`, `_sum` and `_count` series.
    public enum Kind: String, Sendable, Encodable { case counter, gauge, histogram }

    public var kind: Kind {
        switch self {
        case .breakerOpen, .storeReachable, .rateShare, .unownedPartitions, .assignedPartitions, .consumerLag, .parkedCaptures,
             .parkedBytes, .parkedOldestAge, .inFlightRecords, .inFlightBytes, .peakInFlightBytes, .commitLag,
             .queuedRecords, .deadLetterValueLimit:
            .gauge
        case .vlensRequestDuration, .rateLimiterWait, .storeDuration, .parkedDuration, .handlerDuration:
            .histogram
        default:
            .counter
        }
    }

    /// What it counts or measures, and its labels.
    public var help: String {
        switch self {
        case .recordsConsumed: "capture records taken from the capture topic"
        case .results: "results published, by step and outcome"
        case .verdicts: "new results by verdict status and reason"
        case .resultsRepublished: "stored results published again (replays, redeliveries), by step"
        case .deadLetters: "dead letters published, by reason"
        case .vlensRequestDuration: "Vlens call duration, by step and HTTP status class"
        case .vlensRetries: "Vlens calls retried, by step and error code"
        case .uncertainRepeatCalls: "Vlens calls repeated after an attempt whose outcome is unknown (a lost reply, or a worker that stopped mid-call or while the capture waited for its pace slot), by step"
        case .breakerOpen: "1 while a tenant's circuit breaker is open, by tenant"
        case .breakerTransitions: "circuit breaker transitions, by tenant and state entered"
        case .rateLimiterWait: "time a call waited for its tenant's rate limit, by tenant"
        case .rateShare: "this instance's share of a tenant's rate limit, 0 to 1, by tenant"
        case .vlensRateLimited: "HTTP 429 answers from Vlens, by tenant"
        case .storeDuration: "store operation duration, by operation"
        case .storeReachable: "1 while the store answers its probe (SELECT 1 every 2 s, within 5 s), 0 while it does not (captures wait for it)"
        case .retentionPurgedRows: "rows the retention purge deleted, by table"
        case .unownedPartitions: "capture partitions no group member has owned for longer than UNOWNED_PARTITION_ALERT_MS"
        case .rebalances: "consumer group rebalances seen by this instance"
        case .assignedPartitions: "capture partitions assigned to this instance"
        case .consumerLag: "records between the committed offset and the partition's end, by topic and partition"
        case .parked: "captures parked, by tenant and reason"
        case .parkRetries: "parked captures tried again and still blocked, by tenant and reason"
        case .resumed: "parked captures completed, by tenant and the reason they were parked"
        case .parkedDuration: "how long completed captures were parked, by tenant"
        case .parkingFull: "captures held in their partition because the tenant's parking bound was reached, by tenant"
        case .parkedCaptures: "captures parked now, by tenant and reason"
        case .parkedBytes: "bytes of captures parked now, by tenant and reason"
        case .deadLetterValueLimit: "the largest value a dead letter carries now: DEAD_LETTER_MAX_VALUE_BYTES, or the dead-letter topic's max.message.bytes less 64 KiB once the broker said it, else 1000000; larger events are dead-lettered without their value"
        case .parkedOldestAge: "age of the oldest parked capture in seconds, 0 when none is parked"
        case .parkExpired: "parked captures failed for good (age or attempts ran out), by tenant"
        case .inFlightRecords: "records the engine holds (queued or running)"
        case .inFlightBytes: "bytes of the records the engine holds"
        case .peakInFlightBytes: "the most bytes of records the engine held at once since it started (exact, not sampled)"
        case .commitLag: "records received past the partition's commit point, by topic and partition"
        case .queuedRecords: "records waiting behind an earlier record of their transaction, by topic and partition"
        case .handlerDuration: "time to handle one record, by outcome (completed or thrown)"
        }
    }
}
