import CoreMetrics
import Foundation
import Logging
import Observability
import Store
import Synchronization
import Testing
import Workflow

/// The parking lot's cache of parked lanes against the store's real answers (SQLite).
@Suite("Parking lot: the cache of parked lanes")
struct ParkingLotLaneCacheTests {
    /// A parking store whose lane reads return only when let go, with what they read before:
    /// a read that a park of another lane overtakes.
    private final class HeldLaneReads: ParkingStore {
        let base: any VerificationStore
        private let gate = Mutex<(reading: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

        init(_ base: any VerificationStore) { self.base = base }

        /// Holds the next lane read after it read, until ``letGo()``.
        func holdNextRead() { gate.withLock { $0.reading = true } }

        func letGo() { gate.withLock { state in defer { state.waiter = nil }; return state.waiter }?.resume() }

        var isHoldingRead: Bool { gate.withLock { $0.waiter != nil } }

        func parkedLanes(topic: String, partitions: [Int32]) async throws -> Set<String> {
            let lanes = try await base.parkedLanes(topic: topic, partitions: partitions)
            await withCheckedContinuation { continuation in
                let hold = gate.withLock { state -> Bool in
                    guard state.reading else { return false }
                    state = (false, continuation)
                    return true
                }
                if !hold { continuation.resume() }
            }
            return lanes
        }

        func park(_ capture: ParkedCapture) async throws -> ParkedCapture { try await base.park(capture) }
        func dueParkedCaptures(topic: String, partitions: [Int32], now: Date, limit: Int) async throws -> [ParkedCapture] {
            try await base.dueParkedCaptures(topic: topic, partitions: partitions, now: now, limit: limit)
        }
        func firstParkedCapture(lane: String) async throws -> ParkedCapture? { try await base.firstParkedCapture(lane: lane) }
        func reschedule(sequence: Int64, reason: String, attempts: Int, nextAttemptAt: Date, lane: String?) async throws {
            try await base.reschedule(sequence: sequence, reason: reason, attempts: attempts, nextAttemptAt: nextAttemptAt, lane: lane)
        }
        func unpark(sequence: Int64) async throws { try await base.unpark(sequence: sequence) }
        func releaseParked(tenant: String?, reason: String?, at date: Date) async throws -> Int {
            try await base.releaseParked(tenant: tenant, reason: reason, at: date)
        }
        func parkedSummary() async throws -> [ParkedSummary] { try await base.parkedSummary() }
        func parkedCount(tenant: String, reason: String, topic: String, partitions: [Int32]) async throws -> Int {
            try await base.parkedCount(tenant: tenant, reason: reason, topic: topic, partitions: partitions)
        }
        func parkedCaptures(tenant: String?, limit: Int) async throws -> [ParkedCapture] {
            try await base.parkedCaptures(tenant: tenant, limit: limit)
        }
    }

    private static let topic = "captures"

    private static func capture(lane: String, offset: Int64) -> ParkedCapture {
        ParkedCapture(
            lane: lane, topic: topic, partition: 0, offset: offset, tenant: "t", reason: "vlens_unavailable", attempts: 0,
            parkedAt: Date(), nextAttemptAt: Date().addingTimeInterval(600), key: Array(lane.utf8), value: [1], headers: [])
    }

    @Test("a lane parked while another lane's first read of the partition runs is still known as parked afterwards")
    func parkDuringFirstRead() async throws {
        try await ParkedCommandTests.withStore { base, _ in
            let store = HeldLaneReads(base)
            let lot = ParkingLot(store: store, policy: ParkingPolicy(), topic: Self.topic, metrics: WorkerMetrics(factory: NOOPMetricsHandler.instance), logger: Logger(label: "test"))
            lot.assigned([0])
            store.holdNextRead()
            // The first record after the assignment reads the partition's lanes (none yet) ...
            let firstRead = Task { try await lot.isParked("tx-a", partition: 0) }
            while !store.isHoldingRead { try await Task.sleep(for: .milliseconds(1)) }
            // ... and before that read returns, a record of another transaction is parked.
            try await lot.park(Self.capture(lane: "tx-b", offset: 1))
            store.letGo()
            #expect(try await firstRead.value == false)
            // A later record of tx-b must wait behind its parked capture.
            #expect(try await lot.isParked("tx-b", partition: 0))
            #expect(try await lot.isParked("tx-a", partition: 0) == false)
        }
    }
}
