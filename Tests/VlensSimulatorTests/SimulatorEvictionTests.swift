import Testing

@testable import VlensSimulator

/// The simulator holds a bounded number of transactions (and image bytes); what goes first is the
/// least recently used, so a transaction in the middle of its flow is not evicted under load.
@Suite("Simulator transaction eviction")
struct SimulatorEvictionTests {
    @Test("at the transaction limit the least recently used transaction goes, not one in the middle of its flow")
    func leastRecentlyUsed() throws {
        var engine = SimulatorEngine(configuration: SimulatorConfiguration(apiKeys: ["k"], maxTransactions: 3))
        for id in ["a", "b", "c"] { engine.save(SimulatedTransaction(id: id, apiKey: "k", owner: nil)) }
        engine.save(try #require(engine.transactions["a"]))  // a's next step
        engine.save(SimulatedTransaction(id: "d", apiKey: "k", owner: nil))
        #expect(Set(engine.transactions.keys) == ["a", "c", "d"])
        engine.save(SimulatedTransaction(id: "e", apiKey: "k", owner: nil))
        #expect(Set(engine.transactions.keys) == ["a", "d", "e"])
    }

    @Test("beyond the image budget the least recently used transaction goes")
    func imageBudget() {
        var engine = SimulatorEngine(configuration: SimulatorConfiguration(apiKeys: ["k"], maxStoredImageBytes: 10))
        for id in ["a", "b"] {
            var transaction = SimulatedTransaction(id: id, apiKey: "k", owner: nil)
            transaction.store("IdFront.jpg", "QUJDRA==")
            engine.save(transaction)
        }
        #expect(Set(engine.transactions.keys) == ["b"])
        #expect(engine.storedImageBytes <= 10)
    }

    @Test("the recency queue keeps least-recently-used order through compactions")
    func recencyQueue() {
        var queue = RecencyQueue()
        for round in 0..<3000 { queue.touch("t\(round % 7)") }
        let expected = (2993..<3000).map { "t\($0 % 7)" }
        #expect(queue.ordered == expected)
        #expect(queue.popOldest() == expected[0])
        queue.touch(expected[1])
        #expect(queue.ordered == Array(expected[2...]) + [expected[1]])
    }
}
