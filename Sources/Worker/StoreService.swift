import Logging
import Observability
import Resilience
import ServiceLifecycle
import Store

/// The store as a service of the worker's group: runs its background work (PostgreSQL's pool),
/// migrates the schema (retrying an unreachable store with the retry policy's backoff), opens
/// ``StoreReadiness`` for the services that use it, then watches whether the store answers
/// (``StoreProbe``), and stops last on shutdown.
struct StoreService: Service {
    let store: any VerificationStore
    let readiness: StoreReadiness
    let health: WorkerHealth
    let metrics: WorkerMetrics
    /// Backoff between migration attempts while the store is unreachable; its `maxAttempts` bounds them.
    var retry = Self.migrationRetry
    let logger: Logger

    /// About a minute of attempts (30, 0.2 s to 5 s apart with jitter): a database that starts
    /// with the worker (compose, a fresh cluster) has time to come up.
    static let migrationRetry = RetryPolicy(maxAttempts: 30, baseDelay: .milliseconds(200), maxDelay: .seconds(5))

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            try await migrate()
            health.setStoreReachable(true)
            metrics.recordStoreReachable(true)
            readiness.open()
            group.addTask { await StoreProbe(store: store, health: health, metrics: metrics, logger: logger).run() }
            // The services that use the store stop before this one (the group stops in reverse order).
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func migrate() async throws {
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            do {
                return try await store.migrate()
            } catch let error as StoreError where error.isRetryable && attempt < retry.maxAttempts {
                logger.warning(
                    "store not reachable yet; retrying",
                    metadata: [WorkerLoggingKeys.errorCode: "\(error.code)", WorkerLoggingKeys.error: "\(error.message)", WorkerLoggingKeys.attempt: "\(attempt)"])
                try await Task.sleep(for: retry.delay(afterAttempt: attempt, using: &generator))
                attempt += 1
            }
        }
    }
}
