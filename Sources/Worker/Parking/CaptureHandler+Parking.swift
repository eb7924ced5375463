import Foundation
import Kafka
import Processing
import Store

extension CaptureHandler {
    /// The engine's entry point: handles the record now, or parks it.
    ///
    /// A record whose transaction has parked captures is parked behind them, so the transaction's
    /// order holds. A capture that cannot progress now (``CaptureBlocked``) is parked. Either way
    /// the record is stored before this returns, so its offset may be committed.
    public func handle(_ record: KafkaRecord) async throws {
        metrics.recordConsumed()
        let lane = ParkedRecord.lane(of: record)
        try await parking.locks.withLock(lane) {
            if try await parking.isParked(lane, partition: record.partition) {
                let tenant = tenantName(of: record)
                try await parking.park(ParkedRecord.parked(record, lane: lane, tenant: tenant, reason: .behindParked, attempts: 0, at: Date(), retryAt: Date()))
                return
            }
            do {
                try await handleNow(record, parked: nil)
            } catch let blocked as CaptureBlocked {
                try await parking.park(
                    ParkedRecord.parked(record, lane: lane, tenant: blocked.tenant, reason: blocked.reason, attempts: blocked.failedAttempts, at: Date(), retryAt: blocked.retryAt)
                )
            }
        }
    }

    /// What came of resuming a parked capture.
    enum ResumeOutcome: Sendable {
        /// It completed (or someone else completed it); `next` is its lane's next parked capture.
        case completed(next: ParkedCapture?)
        /// It still cannot progress, or the store or broker failed; it was rescheduled.
        case rescheduled
    }

    /// Hands a parked capture back to the handler, under its lane's lock. On completion it is
    /// unparked only after its result is stored and published.
    func resume(_ parked: ParkedCapture) async -> ResumeOutcome {
        await parking.locks.withLock(parked.lane) {
            do {
                guard let current = try await parking.store.firstParkedCapture(lane: parked.lane) else {
                    parking.laneCleared(parked.lane, partition: parked.partition)
                    return .completed(next: nil)
                }
                guard current.sequence == parked.sequence else { return .completed(next: current) }
                var handler = self
                handler.publisher = publisher.detached()
                do {
                    try await handler.handleNow(try ParkedRecord.record(current), parked: current)
                } catch let blocked as CaptureBlocked {
                    let attempts = current.attempts + blocked.failedAttempts
                    try await parking.store.reschedule(sequence: current.sequence, reason: blocked.reason.rawValue, attempts: attempts, nextAttemptAt: blocked.retryAt)
                    metrics.recordParkRetry(tenant: current.tenant, reason: blocked.reason.rawValue)
                    return .rescheduled
                }
                try await parking.store.unpark(sequence: current.sequence)
                metrics.recordResumed(tenant: current.tenant, reason: current.reason, parkedFor: Date().timeIntervalSince(current.parkedAt))
                let next = try await parking.store.firstParkedCapture(lane: parked.lane)
                if next == nil { parking.laneCleared(parked.lane, partition: parked.partition) }
                return .completed(next: next)
            } catch {
                // The store or the broker failed: the capture stays parked and is tried again later.
                logger.warning("resuming a parked capture failed; it stays parked", metadata: [WorkerLoggingKeys.errorType: "\(type(of: error))"])
                try? await parking.store.reschedule(
                    sequence: parked.sequence, reason: parked.reason, attempts: parked.attempts, nextAttemptAt: Date() + parking.policy.backoff(afterAttempts: 2)
                )
                return .rescheduled
            }
        }
    }

    /// The configured tenant a record names, for parking bounds and labels; `unknown` when the
    /// record does not decode or names no configured tenant.
    private func tenantName(of record: KafkaRecord) -> String {
        guard case .success(let accepted) = intake.accept(record), let gateway = gateways.gateway(for: accepted.capture.tenant) else { return "unknown" }
        return gateway.name
    }
}
