extension Scenario {
    /// The environment of worker `instance`: the README's configuration variables, as production sets them.
    func workerEnvironment(instance: Int, topics: BenchTopics) -> [String: String] {
        var environment = [
            "KAFKA_BOOTSTRAP_SERVERS": bootstrapServers,
            "KAFKA_GROUP_ID": topics.workerGroup,
            "KAFKA_SESSION_TIMEOUT_MS": "6000",
            "CAPTURE_TOPIC": topics.captures,
            "RESULT_TOPIC": topics.results,
            "STATUS_TOPIC": topics.status,
            "DEAD_LETTER_TOPIC": topics.deadLetters,
            "VLENS_BASE_URL": simulatorURL,
            "VLENS_API_KEY": apiKey,
            "VLENS_RATE_LIMIT_RPS": rateLimitRps.map { "\($0)" } ?? "unlimited",
            "VLENS_RATE_LIMIT_RPM": rateLimitRps.map { "\($0 * 60)" } ?? "unlimited",
            // The pool must not be what limits concurrency: at least one connection per capture in flight.
            "VLENS_MAX_CONNECTIONS": "\(max(64, maxInFlight))",
            "MAX_IN_FLIGHT": "\(maxInFlight)",
            "ORDERING_MODE": ordering,
            "STORE_URL": storeURL.replacingOccurrences(of: "{instance}", with: "\(instance)"),
            "DRAIN_TIMEOUT_MS": "2000",
            "LOG_LEVEL": "warning",
            "WORKER_INSTANCE_ID": "bench-\(instance)",
        ]
        if exactlyOnce { environment["KAFKA_EXACTLY_ONCE"] = "true" }
        if let rateShare { environment["RATE_SHARE"] = rateShare }
        if claimCheckURL != nil {
            environment["CLAIM_CHECK_ALLOWED_SCHEMES"] = "http"
            environment["CLAIM_CHECK_ALLOWED_HOSTS"] = "127.0.0.1"
            environment["CLAIM_CHECK_ALLOW_PRIVATE_ADDRESSES"] = "true"
        }
        return environment
    }

    /// The concurrency Vlens latency allows: the group's in-flight limit in key mode, one capture
    /// per partition in partition mode; never more than the captures waiting.
    var concurrency: Int {
        let limit = ordering == "partition" ? min(partitions, maxInFlight * instances) : maxInFlight * instances
        return min(limit, outstanding)
    }

    /// Little's law: throughput ≈ concurrency / latency, and never above the rate limit.
    var littleBound: Double {
        let bound = Double(concurrency) / (latencyMs / 1000)
        return rateLimitRps.map { min(bound, $0) } ?? bound
    }
}

/// The topics and groups of one run (unique, so runs on one broker never meet).
struct BenchTopics: Sendable {
    var captures: String
    var results: String
    var status: String
    var deadLetters: String
    var workerGroup: String
    var resultGroup: String

    init(runID: String) {
        captures = "bench.\(runID).capture-submitted"
        results = "bench.\(runID).verification-result"
        status = "bench.\(runID).verification-status"
        deadLetters = "bench.\(runID).capture-submitted.dlq"
        workerGroup = "bench-\(runID)-workers"
        resultGroup = "bench-\(runID)-driver"
    }
}
