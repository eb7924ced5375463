import Foundation
import Kafka
import Synchronization
import TestSupport
import Testing

@Suite("Kafka consumer against the broker")
struct KafkaConsumerTests {
    @Test("10,000 keyed records over 4 partitions arrive in per-partition offset order and per-key order", .timeLimit(.minutes(3)))
    func orderingAcrossPartitions() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("order", partitions: 4, servers: servers)
        let producer = try KafkaTest.producer(servers: servers)
        let reports = try await producer.send(KafkaTest.outgoing(10_000, topic: topic, keys: 40))
        #expect(Set(reports.map(\.partition)).count == 4, "the keys should spread over all 4 partitions")

        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("order")),
            logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [topic])
        let records = try await KafkaTest.records(10_000, from: consumer, within: .seconds(120))
        try await consumer.close()

        #expect(records.count == 10_000)
        #expect(Set(records.map(\.text)) == Set((0..<10_000).map(String.init)), "every record exactly once")
        for partition in Set(records.map(\.partition)) {
            let offsets = records.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == offsets.sorted() && Set(offsets).count == offsets.count, "partition \(partition) in offset order")
        }
        let byKey = Dictionary(grouping: records) { String(decoding: $0.key ?? [], as: UTF8.self) }
        #expect(byKey.count == 40)
        for (key, keyed) in byKey {
            let values = keyed.map { Int($0.text)! }
            #expect(values == values.sorted(), "key \(key) in production order")
            #expect(Set(keyed.map(\.partition)).count == 1, "key \(key) on one partition")
        }
    }

    @Test("committed offsets survive a consumer restart", .timeLimit(.minutes(2)))
    func commitsSurviveRestart() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("commit", partitions: 1, servers: servers)
        let group = TestEnvironment.uniqueName("commit")
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        _ = try await KafkaTest.producer(servers: servers).send(KafkaTest.outgoing(20, topic: topic))

        let first = try KafkaConsumer(configuration: KafkaTest.consumerConfiguration(servers: servers, group: group), logger: KafkaTest.logger)
        try first.subscribe(topics: [topic])
        let firstRecords = try await KafkaTest.records(10, from: first)
        #expect(firstRecords.map(\.offset) == Array(0..<10))
        try await first.commit([partition: 10])
        #expect(try await first.committed([partition]) == [partition: 10])
        try await first.close()

        let second = try KafkaConsumer(configuration: KafkaTest.consumerConfiguration(servers: servers, group: group), logger: KafkaTest.logger)
        try second.subscribe(topics: [topic])
        let secondRecords = try await KafkaTest.records(10, from: second)
        #expect(secondRecords.map(\.offset) == Array(10..<20), "the restarted consumer resumes at the committed offset")
        #expect(try await second.committed([partition]) == [partition: 10])

        let completion = AsyncCommitResult()
        second.commitAsync([partition: 20]) { completion.set($0) }
        try await KafkaTest.within(.seconds(20), "the asynchronous commit") {
            while completion.get() == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(completion.succeeded == true)
        #expect(try await second.committed([partition]) == [partition: 20])
        try await second.close()
    }

    @Test("pause stops delivery from a partition and resume restarts it where it stopped", .timeLimit(.minutes(2)))
    func pauseAndResume() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("pause", partitions: 2, servers: servers)
        let paused = KafkaTopicPartition(topic: topic, partition: 0)
        let producer = try KafkaTest.producer(servers: servers)
        _ = try await producer.send(KafkaTest.outgoing(50, topic: topic, partition: 0))
        _ = try await producer.send(KafkaTest.outgoing(50, topic: topic, partition: 1))

        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("pause")),
            logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [topic])
        // Pause as soon as the partition is assigned, before any of its records can be delivered.
        let whilePaused = try await KafkaTest.within(.seconds(60), "records of the unpaused partition") {
            var records: [KafkaRecord] = []
            var iterator = consumer.events.makeAsyncIterator()
            while records.filter({ $0.partition == 1 }).count < 50, let event = try await iterator.next() {
                switch event {
                case .assigned(let partitions): if partitions.contains(paused) { consumer.pause([paused]) }
                case .record(let record): records.append(record)
                case .revoked(let revocation): revocation.acknowledge()
                }
            }
            return records
        }
        // Keep polling a while longer: nothing may come from the paused partition.
        _ = try await producer.send(KafkaTest.outgoing(10, topic: topic, partition: 0))
        let later = try await KafkaTest.within(.seconds(30), "the quiet period") {
            try? await KafkaTest.records(1, from: consumer, within: .seconds(3))
        }
        #expect(whilePaused.allSatisfy { $0.partition == 1 })
        #expect(later?.isEmpty ?? true, "no record may arrive while the partition is paused")

        consumer.resume([paused])
        let resumed = try await KafkaTest.records(60, from: consumer)
        #expect(resumed.allSatisfy { $0.partition == 0 })
        #expect(resumed.map(\.offset) == Array(0..<60), "delivery restarts at the first undelivered offset")
        try await consumer.close()
    }

    @Test("seek moves a partition and offsetsForTimes finds the first record at a time", .timeLimit(.minutes(2)))
    func seekAndOffsetsForTimes() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("seek", partitions: 1, servers: servers)
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        let producer = try KafkaTest.producer(servers: servers)
        _ = try await producer.send(KafkaTest.outgoing(5, topic: topic))
        try await Task.sleep(for: .milliseconds(300))
        let boundary = Date()
        try await Task.sleep(for: .milliseconds(300))
        _ = try await producer.send(KafkaTest.outgoing(5, topic: topic))

        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("seek")),
            logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [topic])
        #expect(try await KafkaTest.records(10, from: consumer).map(\.offset) == Array(0..<10))

        try consumer.seek([partition: 3])
        #expect(try await KafkaTest.records(7, from: consumer).map(\.offset) == Array(3..<10))

        let found = try await consumer.offsetsForTimes([partition: boundary])
        #expect(found == [partition: 5], "the first record produced after the boundary is offset 5")
        try consumer.seek(found)
        #expect(try await KafkaTest.records(5, from: consumer).map(\.offset) == Array(5..<10))

        #expect(throws: KafkaError.self) {
            try consumer.seek([KafkaTopicPartition(topic: topic, partition: 7): 0])
        }
        try await consumer.close()
    }

    @Test("a small event buffer pauses fetching and still delivers every record once, in order", .timeLimit(.minutes(2)))
    func boundedBufferDeliversEverything() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("buffer", partitions: 2, servers: servers)
        _ = try await KafkaTest.producer(servers: servers).send(KafkaTest.outgoing(3000, topic: topic, keys: 10))

        var configuration = KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("buffer"))
        configuration.eventBuffer.highWatermark = 20
        configuration.eventBuffer.lowWatermark = 5
        let consumer = try KafkaConsumer(configuration: configuration, logger: KafkaTest.logger)
        try consumer.subscribe(topics: [topic])
        let records = try await KafkaTest.within(.seconds(90), "3000 records through a small buffer") {
            var records: [KafkaRecord] = []
            var iterator = consumer.events.makeAsyncIterator()
            while records.count < 3000, let event = try await iterator.next() {
                guard case .record(let record) = event else { continue }
                records.append(record)
                // A slow application at first, so the buffer fills and fetching pauses.
                if records.count < 200 { try await Task.sleep(for: .milliseconds(2)) }
            }
            return records
        }
        try await consumer.close()
        #expect(Set(records.map(\.text)).count == 3000, "every record exactly once")
        for partition in [Int32(0), 1] {
            let offsets = records.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition) contiguous and in order")
        }
    }
}

extension KafkaConsumerTests {
    @Test("a task cancelled before it waits for an event stops waiting at once on an idle consumer", .timeLimit(.minutes(1)))
    func cancelledBeforeWaiting() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("idle", partitions: 1, servers: servers)
        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("idle")), logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [topic])
        let finished = Mutex(false)
        let waiting = Task {
            withUnsafeCurrentTask { $0?.cancel() }  // cancelled before it asks: onCancel finds no waiter yet
            var iterator = consumer.events.makeAsyncIterator()
            _ = try? await iterator.next()  // an event already there (the assignment, on a slow machine) may come back
            finished.withLock { $0 = true }
        }
        // It ends at once, or with an event that was already there; a wait that ignored its cancellation ends only at the next event.
        let deadline = ContinuousClock.now + .seconds(60)
        while !finished.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(finished.withLock { $0 }, "the cancelled wait ended")
        try await consumer.close()  // ends the wait in any case, so a failure cannot hang the run
        _ = await waiting.value
    }
}

/// The result of an asynchronous commit, set from librdkafka's thread.
final class AsyncCommitResult: Sendable {
    private let result = Mutex<Result<Void, KafkaError>?>(nil)
    func set(_ value: Result<Void, KafkaError>) { result.withLock { $0 = value } }
    func get() -> Result<Void, KafkaError>? { result.withLock { $0 } }
    var succeeded: Bool? {
        guard let value = get() else { return nil }
        if case .success = value { return true }
        return false
    }
}
