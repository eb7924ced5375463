import SeededRandom
import TestSupport
import Kafka
import Testing

@testable import Processing
import ProcessingTesting

@Suite("Key scheduler")
struct KeySchedulerTests {
    private func lane(_ key: Int) -> LaneKey {
        LaneKey(
            InMemoryRecord(topicPartition: KafkaTopicPartition(topic: "t", partition: 0), offset: 0, key: [UInt8(key)], value: []),
            ordering: .key)
    }

    @Test("random enqueues and finishes: one running per lane, lane order kept, the limit held, nothing lost", arguments: Array(UInt64(1)...100))
    func schedulingInvariants(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let maxRunning = Int.random(in: 1...8, using: &random)
        var scheduler = KeyScheduler<Int>(maxRunning: maxRunning)
        var running: [Int: Int] = [:]  // item -> lane
        var nextItem = 0
        var enqueuedPerLane: [Int: [Int]] = [:]
        var startedPerLane: [Int: [Int]] = [:]
        func started(_ item: Int?, _ laneOf: [Int: Int]) {
            guard let item else { return }
            let laneIndex = laneOf[item]!
            #expect(!running.values.contains(laneIndex), "lane \(laneIndex) ran two items at once")
            running[item] = laneIndex
            startedPerLane[laneIndex, default: []].append(item)
        }
        var laneOf: [Int: Int] = [:]
        for _ in 0..<500 {
            if running.isEmpty || Bool.random(using: &random) {
                let laneIndex = Int.random(in: 0..<6, using: &random)
                laneOf[nextItem] = laneIndex
                enqueuedPerLane[laneIndex, default: []].append(nextItem)
                started(scheduler.enqueue(nextItem, lane: lane(laneIndex)), laneOf)
                nextItem += 1
            } else {
                let item = running.keys.randomElement(using: &random)!
                let laneIndex = running.removeValue(forKey: item)!
                started(scheduler.finish(lane: lane(laneIndex)), laneOf)
            }
            #expect(scheduler.running == running.count)
            #expect(running.count <= maxRunning)
        }
        while let item = running.keys.first {
            let laneIndex = running.removeValue(forKey: item)!
            started(scheduler.finish(lane: lane(laneIndex)), laneOf)
        }
        #expect(startedPerLane == enqueuedPerLane)
    }

    @Test("dropping a lane's pending records keeps its running record's lane busy")
    func dropKeepsRunningLaneBusy() {
        var scheduler = KeyScheduler<Int>(maxRunning: 4)
        let first = scheduler.enqueue(1, lane: lane(0))
        let second = scheduler.enqueue(2, lane: lane(0))
        let dropped = scheduler.dropPending { _ in true }
        let third = scheduler.enqueue(3, lane: lane(0))
        let next = scheduler.finish(lane: lane(0))
        #expect(first == 1)
        #expect(second == nil)
        #expect(dropped == [2])
        #expect(third == nil, "the lane is still busy with record 1")
        #expect(next == 3)
    }
}
