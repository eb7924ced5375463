import Foundation
@testable import Store
import Testing

/// The parking lot contract, proven against real SQLite files and a real PostgreSQL server.
@Suite("Parking store", .timeLimit(.minutes(2)))
struct ParkingStoreTests {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A capture of record `offset` on `captures`, due `dueIn` seconds after `now`.
    private func capture(
        _ offset: Int64, lane: String = "txn-1", partition: Int32 = 0, topic: String = "captures", tenant: String = "acme",
        reason: String = "breaker_open", dueIn: TimeInterval = 0
    ) -> ParkedCapture {
        ParkedCapture(
            lane: lane, topic: topic, partition: partition, offset: offset, tenant: tenant, reason: reason, attempts: 1,
            parkedAt: now, nextAttemptAt: now.addingTimeInterval(dueIn), key: Array(lane.utf8),
            value: Array("value-\(offset)".utf8), headers: Array("headers-\(offset)".utf8)
        )
    }

    /// Whether `stored` is `parked` as stored: everything equal, the dates to the database's precision.
    private func isStored(_ stored: ParkedCapture?, as parked: ParkedCapture) -> Bool {
        guard var stored else { return false }
        guard abs(stored.parkedAt.timeIntervalSince(parked.parkedAt)) < 0.001,
              abs(stored.nextAttemptAt.timeIntervalSince(parked.nextAttemptAt)) < 0.001 else { return false }
        stored.parkedAt = parked.parkedAt
        stored.nextAttemptAt = parked.nextAttemptAt
        return stored == parked
    }

    @Test("parking returns the stored capture with increasing sequences", arguments: StoreEngine.allCases)
    func parkAssignsSequences(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            let first = try await store.park(capture(10))
            var bare = capture(11, lane: "txn-2")
            bare.key = nil
            bare.headers = []
            let second = try await store.park(bare)
            #expect(first.sequence > 0)
            #expect(second.sequence > first.sequence)
            var expected = capture(10)
            expected.sequence = first.sequence
            #expect(isStored(first, as: expected))
            bare.sequence = second.sequence
            #expect(isStored(second, as: bare), "a nil key and empty headers round-trip")
            #expect(isStored(try await store.firstParkedCapture(lane: "txn-2"), as: bare))
            #expect(try await store.firstParkedCapture(lane: "txn-none") == nil)
        }
    }

    @Test("parking the same record twice keeps the first row", arguments: StoreEngine.allCases)
    func parkIsIdempotent(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            let first = try await store.park(capture(10))
            var again = capture(10, reason: "rate_limited", dueIn: 60)
            again.value = Array("other".utf8)
            let second = try await store.park(again)
            #expect(isStored(second, as: first))
            #expect(try await store.parkedCaptures(tenant: nil, limit: 10).count == 1)
            #expect(try await store.park(capture(10, partition: 1)).sequence != first.sequence, "another partition is another record")
        }
    }

    @Test("only each lane's first capture is due, and the next one after it is unparked", arguments: StoreEngine.allCases)
    func lanesResumeInOrder(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            let a1 = try await store.park(capture(1, lane: "a"))
            let b1 = try await store.park(capture(2, lane: "b"))
            let a2 = try await store.park(capture(3, lane: "a"))
            let due = { try await store.dueParkedCaptures(topic: "captures", partitions: [0], now: now, limit: 10).map(\.sequence) }
            #expect(try await due() == [a1.sequence, b1.sequence])
            try await store.unpark(sequence: a1.sequence)
            try await store.unpark(sequence: a1.sequence)  // gone already: not an error
            #expect(try await due() == [b1.sequence, a2.sequence])
            #expect(try await store.firstParkedCapture(lane: "a")?.sequence == a2.sequence)
            #expect(try await store.dueParkedCaptures(topic: "captures", partitions: [0], now: now, limit: 1).map(\.sequence) == [b1.sequence])
        }
    }

    @Test("a head that is not due holds its whole lane back; the earliest due come first", arguments: StoreEngine.allCases)
    func notDueHeadBlocksItsLane(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            let a1 = try await store.park(capture(1, lane: "a", dueIn: 60))
            _ = try await store.park(capture(2, lane: "a"))
            let b1 = try await store.park(capture(3, lane: "b", dueIn: -10))
            let c1 = try await store.park(capture(4, lane: "c", dueIn: -20))
            #expect(try await store.dueParkedCaptures(topic: "captures", partitions: [0], now: now, limit: 10).map(\.sequence) == [c1.sequence, b1.sequence])
            let later = try await store.dueParkedCaptures(topic: "captures", partitions: [0], now: now.addingTimeInterval(60), limit: 10)
            #expect(later.map(\.sequence) == [c1.sequence, b1.sequence, a1.sequence])
        }
    }

    @Test("due captures and parked lanes are those of the given partitions of the topic", arguments: StoreEngine.allCases)
    func partitionsFilter(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            _ = try await store.park(capture(1, lane: "p0", partition: 0))
            let p1 = try await store.park(capture(1, lane: "p1", partition: 1))
            _ = try await store.park(capture(1, lane: "p2", partition: 2))
            _ = try await store.park(capture(1, lane: "elsewhere", partition: 1, topic: "other"))
            let due = try await store.dueParkedCaptures(topic: "captures", partitions: [1, 3], now: now, limit: 10)
            #expect(due.map(\.sequence) == [p1.sequence])
            #expect(try await store.parkedLanes(topic: "captures", partitions: [0, 1]) == ["p0", "p1"])
            #expect(try await store.parkedLanes(topic: "other", partitions: [0, 1, 2]) == ["elsewhere"])
            #expect(try await store.parkedLanes(topic: "captures", partitions: []).isEmpty)
            #expect(try await store.dueParkedCaptures(topic: "captures", partitions: [], now: now, limit: 10).isEmpty)
        }
    }

    @Test("a rescheduled capture keeps its place with its new reason, attempts and time", arguments: StoreEngine.allCases)
    func reschedule(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            let parked = try await store.park(capture(1))
            try await store.reschedule(sequence: parked.sequence, reason: "rate_limited", attempts: 4, nextAttemptAt: now.addingTimeInterval(30))
            #expect(try await store.dueParkedCaptures(topic: "captures", partitions: [0], now: now, limit: 10).isEmpty)
            let due = try #require(try await store.dueParkedCaptures(topic: "captures", partitions: [0], now: now.addingTimeInterval(30), limit: 10).first)
            #expect(due.sequence == parked.sequence)
            #expect(due.reason == "rate_limited")
            #expect(due.attempts == 4)
            #expect(abs(due.nextAttemptAt.timeIntervalSince(now.addingTimeInterval(30))) < 0.001)
        }
    }

    @Test("releasing makes one tenant's captures due, or every tenant's", arguments: StoreEngine.allCases)
    func releaseByTenant(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            let acme = try await store.park(capture(1, lane: "a", tenant: "acme", dueIn: 600))
            _ = try await store.park(capture(2, lane: "a", tenant: "acme", dueIn: 600))
            let globex = try await store.park(capture(3, lane: "g", tenant: "globex", dueIn: 600))
            _ = try await store.park(capture(4, lane: "early", tenant: "globex", dueIn: -5))  // due already: not released again
            #expect(try await store.releaseParked(tenant: "acme", at: now) == 2)
            let due = { try await store.dueParkedCaptures(topic: "captures", partitions: [0], now: now, limit: 10).map(\.lane) }
            #expect(try await due() == ["early", "a"])
            #expect(try await store.releaseParked(tenant: nil, at: now) == 1)
            #expect(try await store.releaseParked(tenant: nil, at: now) == 0)
            #expect(Set(try await due()) == ["early", "a", "g"])
            #expect(try await store.firstParkedCapture(lane: "g")?.sequence == globex.sequence)
            #expect(try await store.firstParkedCapture(lane: "a")?.sequence == acme.sequence)
        }
    }

    @Test("the summary counts captures, bytes and lanes per tenant and reason, with the oldest", arguments: StoreEngine.allCases)
    func summary(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            #expect(try await store.parkedSummary().isEmpty)
            var old = capture(1, lane: "a", tenant: "globex")
            old.parkedAt = now.addingTimeInterval(-3600)
            let parked = [
                try await store.park(old),
                try await store.park(capture(2, lane: "a", tenant: "globex")),
                try await store.park(capture(3, lane: "b", tenant: "globex")),
                try await store.park(capture(4, lane: "c", tenant: "acme", reason: "rate_limited")),
                try await store.park(capture(5, lane: "d", tenant: "globex", reason: "behind_parked")),
            ]
            let bytes = parked.prefix(3).map(\.byteCount).reduce(0, +)
            let summary = try await store.parkedSummary()
            #expect(summary.map { [$0.tenant, $0.reason] } == [["acme", "rate_limited"], ["globex", "behind_parked"], ["globex", "breaker_open"]])
            let breaker = try #require(summary.last)
            #expect(breaker.count == 3)
            #expect(breaker.bytes == bytes)
            #expect(breaker.lanes == 2)
            #expect(abs(breaker.oldestParkedAt.timeIntervalSince(now.addingTimeInterval(-3600))) < 0.001)
            #expect(summary.first?.count == 1 && summary.first?.lanes == 1)
        }
    }

    @Test("a listing is oldest first, per tenant, limited, and without images", arguments: StoreEngine.allCases)
    func listing(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            let a = try await store.park(capture(1, lane: "a", tenant: "acme"))
            let g = try await store.park(capture(2, lane: "g", tenant: "globex"))
            let b = try await store.park(capture(3, lane: "b", tenant: "acme"))
            let all = try await store.parkedCaptures(tenant: nil, limit: 10)
            #expect(all.map(\.sequence) == [a.sequence, g.sequence, b.sequence])
            #expect(all.allSatisfy { $0.key == nil && $0.value.isEmpty && $0.headers.isEmpty })
            #expect(all.first?.lane == "a" && all.first?.tenant == "acme" && all.first?.offset == 1)
            #expect(try await store.parkedCaptures(tenant: "acme", limit: 10).map(\.sequence) == [a.sequence, b.sequence])
            #expect(try await store.parkedCaptures(tenant: nil, limit: 2).map(\.sequence) == [a.sequence, g.sequence])
            #expect(try await store.parkedCaptures(tenant: "initech", limit: 10).isEmpty)
        }
    }

    @Test("retention leaves parked captures alone, however old", arguments: StoreEngine.allCases)
    func purgeKeepsParkedCaptures(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { store, _ in
            var old = capture(1, dueIn: -40 * 86_400)
            old.parkedAt = now.addingTimeInterval(-40 * 86_400)
            let parked = try await store.park(old)
            #expect(try await store.purge(before: now, limit: 100) == StorePurge())
            #expect(try await store.firstParkedCapture(lane: "txn-1")?.sequence == parked.sequence)
        }
    }

    @Test("encrypted parking: callers see plaintext, the database holds sealed key, value and headers", arguments: StoreEngine.allCases)
    func encryptedParking(engine: StoreEngine) async throws {
        try await withFreshStore(engine) { base, _ in
            let store = EncryptedVerificationStore(base, cipher: try ResultCipher(keys: [try ResultCipher.Key(id: "k1", material: Array(repeating: 7, count: 32))]))
            let plain = capture(1)
            var expected = plain
            let parked = try await store.park(plain)
            expected.sequence = parked.sequence
            #expect(isStored(parked, as: expected))
            #expect(isStored(try await store.firstParkedCapture(lane: "txn-1"), as: expected))
            #expect(isStored(try await store.dueParkedCaptures(topic: "captures", partitions: [0], now: now, limit: 10).first, as: expected))
            #expect(isStored(try await store.park(plain), as: expected), "parking again returns the first row, opened")

            let raw = try #require(try await base.firstParkedCapture(lane: "txn-1"))
            for (sealed, clear) in [(raw.key ?? [], plain.key ?? []), (raw.value, plain.value), (raw.headers, plain.headers)] {
                #expect(sealed != clear && sealed.starts(with: Array("VWE1".utf8)))
            }
            #expect(try await store.parkedCaptures(tenant: nil, limit: 10).map(\.value) == [[]])
            #expect(try await store.parkedSummary().first?.bytes == raw.byteCount, "the summary counts sealed bytes")
        }
    }
}
