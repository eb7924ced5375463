import VlensAPI
import Foundation
import SeededRandom
import Store
import Testing
import TestSupport
@testable import Worker
import Resilience

/// The demand-following division of a tenant's limit among instances, simulated over a store of
/// leases: it never gives out more than the limit in any window, and it follows demand.
@Suite("Rate share allocation")
struct RateShareAllocationTests {
    private let allocation = RateShareAllocation(limit: RateLimit(perSecond: 10, perMinute: nil), leaseDuration: .seconds(5))!
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// The leases of one tenant, as the store keeps them, and each instance's grant over time.
    private struct Board {
        var leases: [String: RateShareLease] = [:]
        /// Every grant each instance applied, with when.
        var history: [String: [(at: Date, units: Int)]] = [:]

        mutating func exchange(_ allocation: RateShareAllocation, _ instance: String, demand: Double, at now: Date) -> Int {
            let exchange = allocation.exchange(instance: instance, tenant: "acme", demand: demand, leases: Array(leases.values), now: now)
            for gone in exchange.forget { leases[gone] = nil }
            leases[instance] = exchange.lease
            history[instance, default: []].append((now, exchange.lease.granted))
            return exchange.lease.granted
        }

        /// The most units all instances together may have used in any window of `length` seconds:
        /// per instance the largest grant it held at any time in the window.
        func busiestWindow(length: TimeInterval, until end: Date, leaseDuration: TimeInterval) -> Int {
            let instants = history.values.flatMap { $0.map(\.at) }
            var busiest = 0
            for windowStart in instants {
                let windowEnd = windowStart.addingTimeInterval(length)
                var total = 0
                for grants in history.values {
                    var held = 0
                    for (index, grant) in grants.enumerated() {
                        // A grant applies from its exchange until the next one (or its lease's end).
                        let until = index + 1 < grants.count ? grants[index + 1].at : min(end, grant.at.addingTimeInterval(leaseDuration))
                        if grant.at < windowEnd, until > windowStart { held = max(held, grant.units) }
                    }
                    total += held
                }
                busiest = max(busiest, total)
            }
            return busiest
        }
    }

    @Test("units are one call per window of the tightest limit; unlimited shares nothing")
    func units() {
        #expect(allocation.units == 10)
        #expect(allocation.window == .seconds(1))
        let documented = RateShareAllocation(limit: RateLimit(), leaseDuration: .seconds(5))!
        #expect(documented.units == 10 && documented.window == .seconds(60))
        let secondBinds = RateShareAllocation(limit: RateLimit(perSecond: 20, perMinute: 1200), leaseDuration: .seconds(5))!
        #expect(secondBinds.units == 20 && secondBinds.window == .seconds(1))
        #expect(RateShareAllocation(limit: .unlimited, leaseDuration: .seconds(5)) == nil)
    }

    @Test("a lone instance takes every unit; a second one gets its half a window after the first gives it back")
    func loneThenTwo() {
        var board = Board()
        #expect(board.exchange(allocation, "a", demand: 0, at: start) == 10)
        let later = start.addingTimeInterval(0.5)
        #expect(board.exchange(allocation, "b", demand: 5, at: later) == 0, "nothing is free yet")
        #expect(board.exchange(allocation, "a", demand: 5, at: later.addingTimeInterval(0.1)) == 5, "a gives back what b wants")
        #expect(board.exchange(allocation, "b", demand: 5, at: later.addingTimeInterval(0.6)) == 0, "still counted as a's for a window")
        #expect(board.exchange(allocation, "b", demand: 5, at: later.addingTimeInterval(1.2)) == 5)
    }

    @Test("three instances with 80 % of the demand on one: the units follow the demand and are all used")
    func followsSkewedDemand() {
        var board = Board()
        let demands = ["a": 80.0, "b": 10, "c": 10]
        var now = start
        for _ in 0..<20 {
            for (instance, demand) in demands.sorted(by: { $0.key < $1.key }) {
                _ = board.exchange(allocation, instance, demand: demand, at: now)
                now += 0.5
            }
        }
        let grants = board.leases.mapValues(\.granted)
        #expect(grants == ["a": 8, "b": 1, "c": 1])
    }

    @Test("an instance that stops renewing: its units come free a window after its lease ends, and it is forgotten")
    func deadInstance() {
        var board = Board()
        _ = board.exchange(allocation, "a", demand: 1, at: start)
        _ = board.exchange(allocation, "b", demand: 1, at: start.addingTimeInterval(0.1))
        _ = board.exchange(allocation, "a", demand: 1, at: start.addingTimeInterval(0.2))
        _ = board.exchange(allocation, "b", demand: 1, at: start.addingTimeInterval(1.5))
        let split = board.leases.mapValues(\.granted)
        #expect(split == ["a": 5, "b": 5])
        // a dies; its lease ends at 0.2 + 5 s, its units count until a window later.
        #expect(board.exchange(allocation, "b", demand: 1, at: start.addingTimeInterval(5.5)) == 5)
        #expect(board.exchange(allocation, "b", demand: 1, at: start.addingTimeInterval(6.0)) == 5)
        #expect(board.exchange(allocation, "b", demand: 1, at: start.addingTimeInterval(6.3)) == 10)
        #expect(board.leases["a"] == nil)
    }

    @Test("released units count for a window, then belong to whoever asks")
    func release() {
        var board = Board()
        _ = board.exchange(allocation, "a", demand: 1, at: start)
        let released = allocation.released(board.leases["a"]!, now: start.addingTimeInterval(1))
        board.leases["a"] = released
        #expect(released.granted == 0 && released.held == 10)
        #expect(board.exchange(allocation, "b", demand: 1, at: start.addingTimeInterval(1.5)) == 0)
        #expect(board.exchange(allocation, "b", demand: 1, at: start.addingTimeInterval(2.1)) == 10)
    }

    @Test("random demands, arrivals, deaths and exchange orders never put more than the limit in a window", arguments: 0..<40)
    func neverOverTheLimit(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var board = Board()
        var alive = ["a", "b", "c", "d"]
        var demands: [String: Double] = [:]
        var now = start
        for step in 0..<300 {
            now += Double(random.next() % 400) / 1000
            if step % 50 == 49, alive.count > 1 { alive.remove(at: Int(random.next() % UInt64(alive.count))) }
            let instance = alive[Int(random.next() % UInt64(alive.count))]
            if random.next() % 4 == 0 { demands[instance] = Double(random.next() % 100) }
            _ = board.exchange(allocation, instance, demand: demands[instance] ?? 0, at: now)
        }
        #expect(board.busiestWindow(length: 1, until: now, leaseDuration: 5) <= allocation.units)
        let total = board.leases.values.filter { $0.expiresAt > now }.reduce(0) { $0 + $1.granted }
        #expect(total <= allocation.units)
    }
}
