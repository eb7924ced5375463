import Foundation
import Logging
import Resilience
import ServiceLifecycle
import Store
import Observability

/// Deletes what the store holds about captures once it is older than `RETENTION_DAYS`: results
/// (with any OCR'd data in them), transaction states, in-flight markers and ownership reports. It runs
/// at start and then every ``interval``, in batches, so a large backlog never holds the store for long.
///
/// Keep the retention longer than the capture topic's: a replay of captures older than the store's
/// retention finds no stored result and calls Vlens again.
struct RetentionService: Service {
    let store: any VerificationStore
    let retention: Duration
    let metrics: WorkerMetrics
    let logger: Logger
    var interval: Duration = .seconds(3600)
    var batchSize = 1000

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await purgeOnce()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Deletes everything past the retention, batch by batch; returns the rows deleted.
    @discardableResult
    func purgeOnce(now: Date = Date()) async -> StorePurge {
        let horizon = now.addingTimeInterval(-Double(retention.components.seconds))
        var total = StorePurge()
        do {
            while !Task.isCancelled {
                // Given up when the service is cancelled: the store may be stopping at the same moment.
                let (store, batchSize) = (store, batchSize)
                let batch = try await abandonedOnCancel { try await store.purge(before: horizon, limit: batchSize) }
                total.results += batch.results
                total.transactionStates += batch.transactionStates
                total.inFlightMarkers += batch.inFlightMarkers
                total.ownershipReports += batch.ownershipReports
                for (table, rows) in batch.byTable where rows > 0 { metrics.recordPurged(table: table, rows: rows) }
                guard batch.mayHaveMore(limit: batchSize) else { break }
            }
        } catch is CancellationError {
            // Shutting down: the rest waits for the next start.
        } catch {
            logger.warning("retention purge failed; it is tried again at the next run", metadata: [WorkerLoggingKeys.error: "\(error)"])
        }
        if total.total > 0 {
            logger.info("retention purge", metadata: Dictionary(uniqueKeysWithValues: total.byTable.map { ($0.table, "\($0.rows)") }))
        }
        return total
    }
}
