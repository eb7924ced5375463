import Foundation
import Logging
import ServiceLifecycle
import Store
import Observability

/// Hands parked captures back to the capture handler when they are due: per lane (transaction)
/// in order, several lanes at once, only for partitions this instance owns. Also reports the
/// parking lot's contents as metrics.
public struct ParkingResumer: Service {
    package let lot: ParkingLot
    /// Resumes one parked capture (the capture handler's ``CaptureHandler/resume(_:)``).
    package let resume: @Sendable (ParkedCapture) async -> ParkingLot.ResumeOutcome
    package let metrics: WorkerMetrics
    package let logger: Logger
    /// How often the parking lot's contents are reported.
    package var summaryInterval: Duration = .seconds(5)

    public init(lot: ParkingLot, metrics: WorkerMetrics, logger: Logger, resume: @escaping @Sendable (ParkedCapture) async -> ParkingLot.ResumeOutcome) {
        self.lot = lot
        self.resume = resume
        self.metrics = metrics
        self.logger = logger
    }

    public func run() async throws {
        var reporter = ParkedSummaryReporter(metrics: metrics)
        var lastSummary: ContinuousClock.Instant?
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                for parked in await dueLanes() where lot.beginResume(parked) {
                    group.addTask {
                        await resumeLane(from: parked)
                        lot.endResume(parked)
                    }
                }
                if lastSummary.map({ ContinuousClock.now - $0 >= summaryInterval }) ?? true {
                    lastSummary = .now
                    if let summary = try? await lot.store.parkedSummary() { reporter.report(summary, now: Date()) }
                }
                try? await Task.sleep(for: lot.policy.pollInterval)
            }
        }
    }

    /// The first parked capture of each due lane of the owned partitions, as many as there are free resume slots.
    private func dueLanes() async -> [ParkedCapture] {
        let running = lot.resumingCount
        let free = lot.policy.resumeConcurrency - running
        let owned = lot.ownedPartitions
        guard free > 0, !owned.isEmpty else { return [] }
        do {
            return try await lot.store.dueParkedCaptures(topic: lot.topic, partitions: owned, now: Date(), limit: free + running)
        } catch {
            logger.warning("cannot read due parked captures; trying again", metadata: [WorkerLoggingKeys.errorType: "\(type(of: error))"])
            return []
        }
    }

    /// Resumes a lane's parked captures in order until one is still blocked, the lane is empty,
    /// or its partition is no longer this instance's.
    private func resumeLane(from first: ParkedCapture) async {
        var next: ParkedCapture? = first
        while let parked = next, lot.owns(parked.partition), !Task.isShuttingDownGracefully {
            switch await resume(parked) {
            case .completed(let following):
                next = following.flatMap { $0.nextAttemptAt <= Date() ? $0 : nil }
            case .rescheduled:
                next = nil
            }
        }
    }
}

/// Turns the parking lot's summary into gauges, zeroing tenant/reason pairs that emptied.
package struct ParkedSummaryReporter {
    package let metrics: WorkerMetrics
    private var reported: Set<[String]> = []

    package init(metrics: WorkerMetrics) {
        self.metrics = metrics
    }

    package mutating func report(_ summary: [ParkedSummary], now: Date) {
        var current: Set<[String]> = []
        for row in summary {
            metrics.recordParkedNow(tenant: row.tenant, reason: row.reason, count: row.count, bytes: row.bytes)
            current.insert([row.tenant, row.reason])
        }
        for gone in reported.subtracting(current) {
            metrics.recordParkedNow(tenant: gone[0], reason: gone[1], count: 0, bytes: 0)
        }
        reported = current
        let oldest = summary.map(\.oldestParkedAt).min()
        metrics.recordOldestParked(ageSeconds: oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
    }
}
