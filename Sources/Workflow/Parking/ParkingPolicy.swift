import Foundation
import Store
import Verification

/// How long a capture may wait in place before it is parked, and how long it may stay parked.
public struct ParkingPolicy: Sendable, Equatable {
    /// `PARKING_AFTER_MS`: the longest a capture holds its in-flight slot waiting (for the breaker,
    /// the rate limit, or retries) before it is parked. Default 2 s.
    public var parkAfter: Duration = .seconds(2)
    /// `PARKING_MAX_AGE_MS`: a capture parked longer fails (`retries_exhausted`) and is dead-lettered. Default 24 h.
    public var maxAge: Duration = .seconds(86_400)
    /// `PARKING_MAX_ATTEMPTS`: transient failures (Vlens calls, image fetches) a capture may have in
    /// all before it fails the same way. Default 20.
    public var maxAttempts: Int = 20
    /// `PARKING_MAX_PER_TENANT`: parked captures per tenant; above it the partition backs up instead. Default 100,000.
    public var maxPerTenant: Int = 100_000
    /// `PARKING_MAX_BYTES_PER_TENANT`: parked bytes per tenant; above it the partition backs up instead. Default 4 GiB.
    public var maxBytesPerTenant: Int = 4 << 30
    /// `PARKING_RESUME_CONCURRENCY`: parked transactions resumed at once by one instance. Default 16.
    public var resumeConcurrency: Int = 16
    /// How often the resumer looks for due captures.
    public var pollInterval: Duration = .milliseconds(250)

    public init() {}

    /// Why a blocked capture must not be parked (again) but fail: its transient failures reached
    /// ``maxAttempts`` or it has been parked for ``maxAge``. Nil while it is within budget.
    package func exhaustion(of blocked: CaptureBlocked, parked: ParkedCapture?, now: Date) -> ResultError? {
        let attempts = (parked?.attempts ?? 0) + blocked.failedAttempts
        let age = parked.map { now.timeIntervalSince($0.parkedAt) } ?? 0
        let maxAgeSeconds = Double(maxAge.components.seconds)
        guard attempts >= maxAttempts || age >= maxAgeSeconds else { return nil }
        let why = attempts >= maxAttempts ? "after \(attempts) transient failures (PARKING_MAX_ATTEMPTS)" : "after \(Int(age)) s parked (PARKING_MAX_AGE_MS)"
        return ResultError(code: .retriesExhausted, message: "the capture could not progress (\(blocked.reason.rawValue)) \(why)", retryable: true)
    }

    /// The wait before the next try after `attempts` failures: exponential from 1 s, capped at 5 min.
    package func backoff(afterAttempts attempts: Int) -> Duration {
        let exponent = min(max(attempts - 1, 0), 9)
        return min(.seconds(1 << exponent), .seconds(300))
    }
}
