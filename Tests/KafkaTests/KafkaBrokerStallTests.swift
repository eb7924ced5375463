import Foundation
import Kafka
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Stops a broker for 20 s. It runs against a tansu instance of its own, so no other suite stalls.
@Suite("Kafka broker stall", .serialized)
struct KafkaBrokerStallTests {
    @Test("a 20 s SIGSTOP of the broker while producing and consuming loses nothing and duplicates nothing", .timeLimit(.minutes(3)))
    func brokerStall() async throws {
        let broker = try await OwnBroker()
        defer { broker.stop() }  // continues the broker first, even when the test fails
        let servers = broker.bootstrapServers
        let topic = try await KafkaTest.createTopic("stall", partitions: 2, servers: servers)
        let producer = try KafkaTest.producer(servers: servers)
        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("stall")),
            logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [topic])

        let total = 3000
        let batchSize = 50
        let produced = Mutex(0)
        // The producer waits at a third until the broker is stopped: the rest is produced into the stall.
        let (stalled, stall) = AsyncStream<Void>.makeStream()
        async let producing: Void = {
            for batch in 0..<(total / batchSize) {
                if batch == total / batchSize / 3 {
                    for await _ in stalled { break }
                }
                let records = (0..<batchSize).map { index in
                    let value = batch * batchSize + index
                    return KafkaOutgoingRecord(topic: topic, key: Array("key-\(value % 8)".utf8), value: Array(String(value).utf8))
                }
                _ = try await producer.send(records)
                produced.withLock { $0 += batchSize }
            }
        }()
        // Offsets seen per partition; a record delivered again after a rebalance lands on the same slot.
        async let consuming: [KafkaTopicPartition: [Int64: String]] = KafkaTest.within(.seconds(150), "all records after the stall") {
            var stored: [KafkaTopicPartition: [Int64: String]] = [:]
            var iterator = consumer.events.makeAsyncIterator()
            while stored.values.map(\.count).reduce(0, +) < total, let event = try await iterator.next() {
                switch event {
                case .record(let record): stored[record.topicPartition, default: [:]][record.offset] = record.text
                case .revoked(let revocation): revocation.acknowledge()
                case .assigned: break
                }
            }
            return stored
        }

        try await KafkaTest.within(.seconds(60), "a third of the records to be produced") {
            while produced.withLock({ $0 }) < total / 3 { try await Task.sleep(for: .milliseconds(20)) }
        }
        broker.signal(SIGSTOP)
        stall.yield()
        stall.finish()
        try await Task.sleep(for: .seconds(20))
        let producedDuringStall = produced.withLock { $0 }
        broker.signal(SIGCONT)
        #expect(producedDuringStall < total, "the stall interrupted production")

        try await producing
        let stored = try await consuming
        let values = stored.values.flatMap(\.values)
        #expect(values.count == total, "the log holds exactly \(total) records: no duplicates")
        #expect(Set(values) == Set((0..<total).map(String.init)), "every produced record is in the log")
        for (partition, offsets) in stored {
            #expect(offsets.keys.sorted() == Array(0..<Int64(offsets.count)), "\(partition) has no gaps")
        }
        try await consumer.close()
    }
}
