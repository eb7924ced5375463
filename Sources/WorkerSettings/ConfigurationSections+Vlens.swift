import Foundation
import Resilience
import VlensAPI
import Workflow

extension WorkerConfiguration.Vlens {
    /// `VLENS_*` (the default tenant), `VLENS_TENANTS` and `VLENS_TENANT_<NAME>_*`, the request, retry and
    /// breaker settings, `RATE_SHARE`; nil (with the problems reported) when a tenant is incomplete.
    static func read(from source: inout ConfigSource) -> Self? {
        let defaultTenant = WorkerConfiguration.Tenant.read(from: &source, name: "default", prefix: "VLENS_")
        var tenants: [String: WorkerConfiguration.Tenant] = [:]
        for name in source.list("VLENS_TENANTS") {
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                source.report("VLENS_TENANTS", "contains a tenant name with characters other than letters, digits and -", fix: "use simple names like acme,globex")
                continue
            }
            let prefix = "VLENS_TENANT_\(name.uppercased().replacingOccurrences(of: "-", with: "_"))_"
            if let tenant = WorkerConfiguration.Tenant.read(from: &source, name: name, prefix: prefix) { tenants[name] = tenant }
        }
        var vlens = defaultTenant.map { WorkerConfiguration.Vlens(defaultTenant: $0, tenants: tenants) }
        let timeout = source.milliseconds("VLENS_REQUEST_TIMEOUT_MS", default: WorkerConfiguration.Vlens.defaultRequestTimeout, range: 100...600_000)
        // Unset: one connection per capture in flight (`parse` sets it from MAX_IN_FLIGHT).
        let connections = source.raw("VLENS_MAX_CONNECTIONS").map { _ in source.int("VLENS_MAX_CONNECTIONS", default: 1, range: 1...10_000) }
        let defaultRetry = RetryPolicy()
        let retry = RetryPolicy(
            maxAttempts: source.int("VLENS_RETRY_MAX_ATTEMPTS", default: defaultRetry.maxAttempts, range: 1...1000),
            baseDelay: source.milliseconds("VLENS_RETRY_BASE_DELAY_MS", default: defaultRetry.baseDelay, range: 1...600_000),
            maxDelay: source.milliseconds("VLENS_RETRY_MAX_DELAY_MS", default: defaultRetry.maxDelay, range: 1...3_600_000)
        )
        let defaultBreaker = CircuitBreaker.Configuration()
        let breaker = CircuitBreaker.Configuration(
            failureThreshold: source.int("BREAKER_FAILURE_THRESHOLD", default: defaultBreaker.failureThreshold, range: 1...10_000),
            probeInterval: source.milliseconds("BREAKER_PROBE_INTERVAL_MS", default: defaultBreaker.probeInterval, range: 10...3_600_000)
        )
        let transit = source.milliseconds("VLENS_RATE_LIMIT_TRANSIT_MS", default: RequestPacer.defaultTransitAllowance, range: 0...1000)
        vlens?.requestTimeout = timeout
        vlens?.rateTransitAllowance = transit
        if let connections { vlens?.maxConnections = connections }
        vlens?.retry = retry
        vlens?.breaker = breaker
        switch source.string("RATE_SHARE", default: "demand").lowercased() {
        case "demand": vlens?.rateShare = .demand
        case "partitions": vlens?.rateShare = .partitions
        default: source.report("RATE_SHARE", "is not a known way to share the rate limit", fix: "use demand (the default) or partitions")
        }
        return vlens
    }
}

extension WorkerConfiguration.Tenant {
    /// One tenant's `<prefix>BASE_URL`, `<prefix>API_KEY[_FILE]`, `<prefix>RATE_LIMIT_RPS/RPM` and
    /// `<prefix>USER_TOKEN_FALLBACK`; nil (with the problems reported) when its URL or key is missing.
    static func read(from source: inout ConfigSource, name: String, prefix: String) -> Self? {
        let baseKey = prefix + "BASE_URL"
        let keyKey = prefix + "API_KEY"
        var baseURL: URL?
        if source.raw(baseKey) == nil {
            source.report(baseKey, "is not set", fix: "set it to the Vlens API base URL, e.g. https://api.vlenseg.com")
        } else {
            baseURL = source.url(baseKey, schemes: ["https", "http"])
        }
        var apiKey = source.secret(keyKey)
        if apiKey == nil, source.raw(keyKey + "_FILE") == nil {
            source.report(keyKey, "is not set", fix: "set \(keyKey), or \(keyKey)_FILE to a mounted secret file")
        }
        if let key = apiKey, !key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
            // An HTTP header cannot carry it: every call would fail before it left, looking like an outage.
            source.report(
                keyKey, "holds a space, a line break or a character outside printable ASCII (its value is not shown)",
                fix: "remove it (a trailing newline from a secret file?), or use \(keyKey)_FILE, whose value is trimmed")
            apiKey = nil
        }
        let defaultLimit = RateLimit()
        let limit = RateLimit(
            perSecond: source.rate(prefix + "RATE_LIMIT_RPS", default: defaultLimit.perSecond),
            perMinute: source.rate(prefix + "RATE_LIMIT_RPM", default: defaultLimit.perMinute)
        )
        let fallbackKey = prefix + "USER_TOKEN_FALLBACK"
        let fallbackDefault = prefix == "VLENS_" ? "none" : source.string("VLENS_USER_TOKEN_FALLBACK", default: "none")
        var fallback = false
        switch source.string(fallbackKey, default: fallbackDefault).lowercased() {
        case "none": fallback = false
        case "api-key-only": fallback = true
        default: source.report(fallbackKey, "is neither none nor api-key-only", fix: "use none (the default) or api-key-only")
        }
        guard let baseURL, let apiKey else { return nil }
        return WorkerConfiguration.Tenant(name: name, baseURL: baseURL, apiKey: apiKey, rateLimit: limit, userTokenFallback: fallback)
    }
}
