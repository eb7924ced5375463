import SeededRandom
import TestSupport
import Testing

@testable import Processing

@Suite("Offset tracker")
struct OffsetTrackerTests {
    @Test("the commit position is the lowest incomplete offset, whatever the completion order", arguments: Array(UInt64(1)...200))
    func commitPositionIsLowestIncomplete(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var tracker = OffsetTracker()
        var offsets: [Int64] = []
        var next = Int64.random(in: 0...100, using: &random)
        for _ in 0..<Int.random(in: 1...300, using: &random) {
            let accepted = tracker.receive(next)
            #expect(accepted)
            offsets.append(next)
            next += Int64.random(in: 1...3, using: &random)
        }
        var incomplete = Set(offsets)
        for offset in offsets.shuffled(using: &random) {
            tracker.complete(offset)
            incomplete.remove(offset)
            let expected = incomplete.min() ?? offsets.last! + 1
            #expect(tracker.commitPosition == expected)
        }
    }

    @Test("an offset not above the highest received is refused")
    func refusesOldOffsets() {
        var tracker = OffsetTracker()
        let first = tracker.receive(5)
        let again = tracker.receive(5)
        let older = tracker.receive(3)
        #expect(first && !again && !older)
        #expect(tracker.commitPosition == 5)
    }

    @Test("only positions ahead of the last commit are pending, and lag counts uncommitted records")
    func pendingCommitAndLag() {
        var tracker = OffsetTracker()
        #expect(tracker.pendingCommit == nil)
        for offset in Int64(10)..<20 { _ = tracker.receive(offset) }
        #expect(tracker.commitLag == 10)
        tracker.complete(10)
        tracker.complete(12)
        #expect(tracker.pendingCommit == 11)
        tracker.recordCommit(11)
        #expect(tracker.pendingCommit == nil)
        #expect(tracker.commitLag == 9)
        tracker.complete(11)
        #expect(tracker.pendingCommit == 13)
    }
}
