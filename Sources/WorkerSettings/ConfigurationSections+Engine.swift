import Foundation
import Resilience
import VlensAPI
import Workflow

extension ParkingPolicy {
    /// `PARKING_*`.
    init(reading source: inout ConfigSource) {
        self.init()
        self.parkAfter = source.milliseconds("PARKING_AFTER_MS", default: self.parkAfter, range: 0...600_000)
        self.maxAge = source.milliseconds("PARKING_MAX_AGE_MS", default: self.maxAge, range: 1000...(90 * 86_400_000))
        self.maxAttempts = source.int("PARKING_MAX_ATTEMPTS", default: self.maxAttempts, range: 1...10_000)
        self.maxPerTenant = source.int("PARKING_MAX_PER_TENANT", default: self.maxPerTenant, range: 1...100_000_000)
        self.maxBytesPerTenant = source.int("PARKING_MAX_BYTES_PER_TENANT", default: self.maxBytesPerTenant, range: 1 << 20...1 << 42)
        self.resumeConcurrency = source.int("PARKING_RESUME_CONCURRENCY", default: self.resumeConcurrency, range: 1...10_000)
    }
}

extension FlowPolicy {
    /// `EARLY_LIVENESS`, `EARLY_LIVENESS_MAX_WAIT_MS`, `LINK_MAX_WAIT_MS`.
    init(reading source: inout ConfigSource) {
        self.init()
        switch source.string("EARLY_LIVENESS", default: "reject").lowercased() {
        case "reject": self.parkEarlyLiveness = false
        case "park": self.parkEarlyLiveness = true
        default: source.report("EARLY_LIVENESS", "is neither park nor reject", fix: "use reject (the default) or park")
        }
        self.earlyLivenessMaxWait = source.milliseconds("EARLY_LIVENESS_MAX_WAIT_MS", default: self.earlyLivenessMaxWait, range: 1000...86_400_000)
        self.linkMaxWait = source.milliseconds("LINK_MAX_WAIT_MS", default: self.linkMaxWait, range: 0...(30 * 86_400_000))
    }
}

extension WorkerConfiguration.Processing {
    /// `MAX_IN_FLIGHT[_BYTES]`, `ORDERING_MODE`, `COMMIT_INTERVAL_MS`, `DRAIN_TIMEOUT_MS`, `SHUTDOWN_MARGIN_MS`, `MAX_UNCOMMITTED_*`.
    init(reading source: inout ConfigSource) {
        self.init()
        self.maxInFlight = source.int("MAX_IN_FLIGHT", default: self.maxInFlight, range: 1...100_000)
        self.maxInFlightBytes = source.int("MAX_IN_FLIGHT_BYTES", default: self.maxInFlightBytes, range: 1 << 20...1 << 40)
        switch source.string("ORDERING_MODE", default: "key").lowercased() {
        case "key": self.orderingByPartition = false
        case "partition": self.orderingByPartition = true
        default: source.report("ORDERING_MODE", "is not a known ordering mode", fix: "use key (the default) or partition")
        }
        self.commitInterval = source.milliseconds("COMMIT_INTERVAL_MS", default: self.commitInterval, range: 10...600_000)
        self.drainTimeout = source.milliseconds("DRAIN_TIMEOUT_MS", default: self.drainTimeout, range: 0...3_600_000)
        self.shutdownMargin = source.milliseconds("SHUTDOWN_MARGIN_MS", default: self.shutdownMargin, range: 1000...600_000)
        self.maxUncommittedPerPartition = source.int(
            "MAX_UNCOMMITTED_PER_PARTITION", default: self.maxUncommittedPerPartition, range: 1...10_000_000)
        self.maxUncommittedBytesPerPartition = source.int(
            "MAX_UNCOMMITTED_BYTES_PER_PARTITION", default: self.maxUncommittedBytesPerPartition, range: 1 << 20...1 << 40)
    }
}
