import Testing
@testable import Worker

@Suite("Unowned partitions are reported only past the bound")
struct UnownedPartitionTrackerTests {
    @Test("a partition unowned for the bound is reported; an owner clears it; a new gap starts the clock again")
    func boundAndReset() {
        var tracker = UnownedPartitionTracker(bound: .seconds(60))
        let start = ContinuousClock.now
        #expect(tracker.observe(unowned: [0, 2], at: start).isEmpty, "a rebalance just started: nothing to report yet")
        #expect(tracker.observe(unowned: [0, 2], at: start + .seconds(59)).isEmpty)
        #expect(tracker.observe(unowned: [0, 2, 4], at: start + .seconds(60)) == [0, 2], "4 has only just lost its owner")
        #expect(tracker.observe(unowned: [2, 4], at: start + .seconds(90)) == [2], "0 got an owner")
        #expect(tracker.observe(unowned: [0, 2, 4], at: start + .seconds(120)) == [2, 4], "0's clock started again at 120 s")
        #expect(tracker.observe(unowned: [], at: start + .seconds(121)).isEmpty)
    }
}
