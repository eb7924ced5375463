import VlensAPI
import Testing
import Worker
import Resilience

@Suite("Request pacer")
struct RequestPacerTests {
    private let start = ContinuousClock.now

    /// Counts the most slots any half-open window of `length` holds.
    private func busiestWindow(_ slots: [ContinuousClock.Instant], length: Duration) -> Int {
        var best = 0
        for (index, slot) in slots.enumerated() {
            best = max(best, slots[index...].prefix { $0 < slot + length }.count)
        }
        return best
    }

    /// The instants at which a caller that asks again whenever told (or every 5 ms) gets `count`
    /// calls through, from `from` on.
    private func sends(_ pacer: inout RequestPacer, count: Int, from: ContinuousClock.Instant) -> [ContinuousClock.Instant] {
        var sent: [ContinuousClock.Instant] = []
        var now = from
        while sent.count < count {
            if let retryAt = pacer.admit(now: now) { now = max(retryAt, now + .milliseconds(5)) } else { sent.append(now) }
        }
        return sent
    }

    @Test("the documented default (10/s, 60/min) never puts more than 60 calls in a minute or 10 in a second")
    func defaultLimitsHold() {
        var pacer = RequestPacer(limit: RateLimit())
        let slots = sends(&pacer, count: 200, from: start)
        #expect(busiestWindow(slots, length: .seconds(60)) <= 60)
        #expect(busiestWindow(slots, length: .seconds(1)) <= 10)
        // ...and uses at least 90% of the minute budget.
        #expect(busiestWindow(slots, length: .seconds(60)) >= 54)
    }

    @Test("three instances with equal shares stay under the tenant's limit together")
    func sharesAddUp() {
        var slots: [ContinuousClock.Instant] = []
        for _ in 0..<3 {
            var pacer = RequestPacer(limit: RateLimit(perSecond: 10, perMinute: nil))
            pacer.setShare(1.0 / 3.0)
            slots += sends(&pacer, count: 100, from: start)
        }
        slots.sort()
        #expect(busiestWindow(slots, length: .seconds(1)) <= 10)
        #expect(busiestWindow(slots, length: .seconds(1)) >= 9)
    }

    @Test("calls that reach Vlens up to the transit allowance late still keep the limit in every window")
    func transitAllowance() {
        // Three instances at 3, 3 and 4 tenths of 10/s; each call is delayed on its way by 0 or by the
        // whole allowance (less a millisecond), alternating, which squeezes a window's calls together.
        var arrivals: [ContinuousClock.Instant] = []
        for (instance, share) in [0.3, 0.3, 0.4].enumerated() {
            var pacer = RequestPacer(limit: RateLimit(perSecond: 10, perMinute: nil))
            pacer.setShare(share)
            let slots = sends(&pacer, count: 60, from: start + .milliseconds(7 * instance))
            for (index, slot) in slots.enumerated() {
                arrivals.append(slot + (index % 2 == 0 ? pacer.transitAllowance - .milliseconds(1) : .zero))
            }
        }
        arrivals.sort()
        #expect(busiestWindow(arrivals, length: .seconds(1)) <= 10)
    }

    @Test("a 429 blocks until Retry-After and halves the pace; successes win it back")
    func adaptsToRateLimiting() {
        var pacer = RequestPacer(limit: RateLimit(perSecond: 10, perMinute: nil))
        #expect(pacer.admit(now: start) == nil)
        pacer.recordRateLimited(now: start, retryAfter: .seconds(2))
        #expect(pacer.adaptiveFactor == 0.5)
        #expect(sends(&pacer, count: 1, from: start)[0] >= start + .seconds(2))
        for _ in 0..<10 { pacer.recordAccepted() }
        #expect(pacer.adaptiveFactor == 1)
    }

    @Test("calls sent late go out no closer than the pace, and no window holds more than the share")
    func admitsByActualSends() throws {
        var pacer = RequestPacer(limit: RateLimit(perSecond: 10, perMinute: nil))
        pacer.setShare(0.4)  // 4 per second
        let interval = try #require(pacer.interval)
        // Calls whose slots were used late arrive together: the first goes, the next waits a full interval.
        #expect(pacer.admit(now: start) == nil)
        #expect(pacer.admit(now: start) == start + interval)
        var sent = [start]
        var now = start
        while sent.count < 12 {
            now += .milliseconds(10)
            if pacer.admit(now: now) == nil { sent.append(now) }
        }
        for (index, call) in sent.enumerated() {
            #expect(sent[index...].prefix { $0 < call + .seconds(1) }.count <= 4, "no 1-second window holds more than 4 calls")
            if index > 0 { #expect(call - sent[index - 1] >= interval) }
        }
    }

    @Test("a share of 0 sends nothing; whole units of a share are whole calls (3 of 10 is 3 per second, not 2)")
    func zeroAndWholeShares() throws {
        var pacer = RequestPacer(limit: RateLimit(perSecond: 10, perMinute: nil))
        pacer.setShare(0)
        for step in 0..<50 { #expect(pacer.admit(now: start + .milliseconds(100 * step)) != nil) }
        pacer.setShare(0.3)
        var sent: [ContinuousClock.Instant] = []
        var now = start + .seconds(10)
        while now < start + .seconds(20) {
            if pacer.admit(now: now) == nil { sent.append(now) }
            now += .milliseconds(5)
        }
        #expect(busiestWindow(sent, length: .seconds(1)) == 3)
        #expect(sent.count >= 28)
    }

    @Test("unlimited never waits")
    func unlimited() {
        var pacer = RequestPacer(limit: .unlimited)
        for _ in 0..<100 { #expect(pacer.admit(now: start) == nil) }
    }
}
