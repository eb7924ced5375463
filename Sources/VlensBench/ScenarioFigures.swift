/// The figures of one scenario, printed as one JSON line for `scripts/bench-report`.
struct ScenarioFigures: Codable, Sendable {
    var name: String
    var ordering: String
    var maxInFlight: Int
    var instances: Int
    var images: String
    var store: String
    var partitions: Int
    /// Transactions in progress at once (each with one capture waiting).
    var outstanding: Int
    var latencyProfile: String
    /// The mean Vlens latency the profile gives, for the Little's-law bound.
    var nominalLatencyMs: Double
    /// The tenant's limit in calls per second; `nil`: unlimited.
    var rateLimitRps: Double?
    var windowSeconds: Double
    /// Results completed inside the measuring window.
    var captures: Int
    var capturesPerSecond: Double
    /// Captures the worker(s) can keep in Vlens at once: in-flight limit (key mode) or partitions (partition mode).
    var concurrency: Int
    /// `concurrency / latency`, capped by the rate limit: throughput ≈ in-flight / latency.
    var littleBound: Double
    var e2eP50Ms: Double
    var e2eP99Ms: Double
    /// The worker's own time per capture (result `timings.totalMs`), median.
    var workerP50Ms: Double
    var cpuSecondsPer1000: Double
    /// The workers' context switches over the window per capture: thread hand-overs, steadier run
    /// to run than CPU time on a shared machine.
    var contextSwitchesPerCapture: Double
    var peakRSSMB: Double
    /// The most event bytes one worker held in flight at once (`vlens_worker_in_flight_bytes_peak`), MB.
    var peakInFlightMB: Double
    /// The largest reading of the once-a-second gauge `vlens_worker_in_flight_bytes`, MB: below
    /// `peakInFlightMB` when the peaks fall between readings.
    var sampledPeakInFlightMB: Double
    /// Records in flight in all workers together, mean over the window: how many of their
    /// `instances × maxInFlight` slots had work. Below the limit, the workers waited for captures.
    var meanInFlightRecords: Double?
    /// The memory budget for that: 64 MB + 1.5 × `peakInFlightMB` (issue 19).
    var rssBudgetMB: Double
    /// The machine's busy cores over the window (workers, simulator, broker, store, driver).
    var machineBusyCores: Double
    /// Of those, by process: `workers`, `driver` (the load and result consumer), `simulator`,
    /// `broker` when the script names them, and `other` (the rest: the store, the kernel, anything).
    var busyCoresByProcess: [String: Double]
    var vlensCallsPerCapture: Double
    var responses429: Int
    /// Vlens calls per second over the window, as a share of the rate limit.
    var rateShare: Double?
    /// Results by outcome over the window (`succeeded` expected).
    var outcomes: [String: Int]
}

/// The `p`-quantile (0...1) of `values` by nearest rank; 0 for none.
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}
