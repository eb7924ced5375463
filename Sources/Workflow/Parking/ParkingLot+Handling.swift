import Foundation
import Kafka
import Logging
import Processing
import Store
import Observability
import Resilience

extension ParkingLot {
    /// What came of resuming a parked capture.
    public enum ResumeOutcome: Sendable {
        /// It completed (or someone else completed it); `next` is its lane's next parked capture.
        case completed(next: ParkedCapture?)
        /// It still cannot progress, or the store or broker failed; it was rescheduled.
        case rescheduled
    }

    /// Handles `record` with `body`, or parks it, under its lane's lock.
    ///
    /// A record whose lane has parked captures is parked behind them (its transaction's order
    /// holds). A record `body` cannot progress (``CaptureBlocked``) is parked. Either way the record
    /// is stored before this returns, so its offset may be committed.
    package func handle<Record: ParkableRecord, Output>(
        _ record: Record, tenant: () -> String, _ body: (Record) async throws -> [Output]
    ) async throws -> [Output] {
        let lane = record.parkingLane
        return try await locks.withLock(lane) {
            if try await isParked(lane, partition: record.topicPartition.partition) {
                try await park(record.parked(tenant: tenant(), reason: .behindParked, attempts: 0, at: Date(), retryAt: Date()))
                return []
            }
            do {
                return try await body(record)
            } catch let blocked as CaptureBlocked {
                var parked = record.parked(tenant: blocked.tenant.isEmpty ? tenant() : blocked.tenant, reason: blocked.reason, attempts: blocked.failedAttempts, at: Date(), retryAt: blocked.retryAt)
                if blocked.reason == .awaitingSteps { parked.lane = Self.asideLane(of: lane) }
                try await park(parked)
                return []
            }
        }
    }

    /// The lane where a transaction's captures that wait for its other steps are parked, so that
    /// those steps (in the transaction's own lane) pass them. Transaction ids have no spaces.
    package static func asideLane(of lane: String) -> String { lane + " awaiting-steps" }

    /// The transaction's own lane of `lane` (itself unless it is an aside lane).
    package static func mainLane(of lane: String) -> String {
        lane.hasSuffix(" awaiting-steps") ? String(lane.dropLast(" awaiting-steps".count)) : lane
    }

    /// Hands a parked capture back to `body` under its lane's lock, if it is still its lane's
    /// first. It is unparked only after `body` returned (its result stored and its outputs
    /// delivered); when `body` is blocked again, or fails, it is rescheduled.
    package func resume<Record: ParkableRecord>(
        _ parked: ParkedCapture, as recordType: Record.Type, _ body: (Record, ParkedCapture) async throws -> Void
    ) async -> ResumeOutcome {
        // A capture waiting aside also takes its transaction's own lane: the two never run at once.
        let main = Self.mainLane(of: parked.lane)
        return await locks.withLock(parked.lane) {
            if main == parked.lane { return await resumeLocked(parked, as: recordType, body) }
            return await locks.withLock(main) { await resumeLocked(parked, as: recordType, body) }
        }
    }

    private func resumeLocked<Record: ParkableRecord>(
        _ parked: ParkedCapture, as recordType: Record.Type, _ body: (Record, ParkedCapture) async throws -> Void
    ) async -> ResumeOutcome {
        do {
            guard let current = try await store.firstParkedCapture(lane: parked.lane) else {
                laneCleared(parked.lane, partition: parked.partition)
                return .completed(next: nil)
            }
            guard current.sequence == parked.sequence else { return .completed(next: current) }
            do {
                try await body(try Record(parked: current), current)
            } catch let blocked as CaptureBlocked {
                let attempts = current.attempts + blocked.failedAttempts
                if blocked.reason == .awaitingSteps, Self.mainLane(of: current.lane) == current.lane {
                    // It waited behind its transaction's lane and now waits for steps behind it: step aside.
                    let aside = Self.asideLane(of: current.lane)
                    try await store.reschedule(sequence: current.sequence, reason: blocked.reason.rawValue, attempts: attempts, nextAttemptAt: blocked.retryAt, lane: aside)
                    laneMoved(to: aside, partition: current.partition)
                    let next = try await store.firstParkedCapture(lane: current.lane)
                    if next == nil { laneCleared(current.lane, partition: current.partition) }
                    return .completed(next: next)
                }
                try await store.reschedule(sequence: current.sequence, reason: blocked.reason.rawValue, attempts: attempts, nextAttemptAt: blocked.retryAt)
                metrics.recordParkRetry(tenant: current.tenant, reason: blocked.reason.rawValue)
                return .rescheduled
            }
            try await store.unpark(sequence: current.sequence)
            metrics.recordResumed(tenant: current.tenant, reason: current.reason, parkedFor: Date().timeIntervalSince(current.parkedAt))
            if ![CaptureBlocked.Reason.behindParked, .rateLimited, .awaitingSteps, .callInFlightElsewhere].map(\.rawValue).contains(current.reason) {
                // Its cause cleared (the host answers, Vlens answers): what waits for the same cause need not wait out its
                // backoff. Not for the rate limit: those captures each hold a slot of the pace, and come back at it.
                _ = try? await store.releaseParked(tenant: current.tenant, reason: current.reason, at: Date())
            }
            let next = try await store.firstParkedCapture(lane: parked.lane)
            if next == nil { laneCleared(parked.lane, partition: parked.partition) }
            return .completed(next: next)
        } catch {
            // The store or the broker failed: the capture stays parked and is tried again later.
            var metadata: Logger.Metadata = [WorkerLoggingKeys.errorType: "\(type(of: error))"]
            if let failure = error as? StoreError {
                // A parked record sealed with a key no longer listed says so here; its messages never carry payloads.
                metadata[WorkerLoggingKeys.errorCode] = "\(failure.code)"
                metadata[WorkerLoggingKeys.error] = "\(failure.message)"
            }
            logger.warning("resuming a parked capture failed; it stays parked", metadata: metadata)
            try? await store.reschedule(
                sequence: parked.sequence, reason: parked.reason, attempts: parked.attempts, nextAttemptAt: Date() + policy.backoff(afterAttempts: 2)
            )
            return .rescheduled
        }
    }

    /// Passes a source event on, telling the lot about assignments, and holding a revocation's
    /// acknowledgement until resumes of the revoked partitions finished (up to `timeout`).
    package func observe<Record>(_ event: ProcessingEvent<Record>, resumeDrainTimeout timeout: Duration) -> ProcessingEvent<Record> {
        switch event.kind {
        case .record:
            return event
        case .assigned(let partitions):
            assigned(partitions.filter { $0.topic == topic }.map(\.partition))
            return event
        case .revoked(let revocation):
            let mine = revocation.partitions.filter { $0.topic == topic }.map(\.partition)
            let epochs = epochs(of: mine)
            return .revoked(ProcessingRevocation(partitions: revocation.partitions) {
                await self.revoked(mine, timeout: timeout, epochsAtRevocation: epochs)
                await revocation.acknowledge()
            })
        }
    }
}
