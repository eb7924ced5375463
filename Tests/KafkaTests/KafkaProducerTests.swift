import Foundation
import Kafka
import TestSupport
import Testing

@Suite("Kafka producer against the broker")
struct KafkaProducerTests {
    @Test("a 3 MB record round-trips with a raised message.max.bytes", .timeLimit(.minutes(2)))
    func largeRecordRoundTrips() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("large", partitions: 1, servers: servers)
        let value = (0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let producer = try KafkaTest.producer(servers: servers) { $0.messageMaxBytes = 4_000_000 }
        let report = try await producer.send(KafkaOutgoingRecord(topic: topic, value: value))
        #expect(report.offset == 0)

        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("large")),
            logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [topic])
        let records = try await KafkaTest.records(1, from: consumer)
        #expect(records.first?.value == value)
        try await consumer.close()
    }

    @Test("the default producer refuses a record over message.max.bytes with a non-retryable error", .timeLimit(.minutes(1)))
    func oversizedRecordFails() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let producer = try KafkaTest.producer(servers: servers)
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaOutgoingRecord(topic: TestEnvironment.uniqueName("big"), value: Array(repeating: 1, count: 2_000_000)))
        }
        #expect(error?.code == .messageSizeTooLarge)
        #expect(error?.isRetryable == false)
    }

    @Test("keys, headers and timestamps round-trip and the delivery report names the stored position", .timeLimit(.minutes(2)))
    func headersRoundTrip() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("headers", partitions: 3, servers: servers)
        let headers = [
            KafkaHeader(key: "content-type", value: Array("application/json".utf8)),
            KafkaHeader(key: "binary", value: [0, 255, 1, 254]),
            KafkaHeader(key: "empty", value: nil),
            KafkaHeader(key: "binary", value: [7]),
        ]
        let before = Date()
        let report = try await KafkaTest.producer(servers: servers).send(
            KafkaOutgoingRecord(topic: topic, key: Array("transaction-42".utf8), value: Array("{}".utf8), headers: headers)
        )

        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("headers")),
            logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [topic])
        let record = try #require(try await KafkaTest.records(1, from: consumer).first)
        #expect(record.headers == headers)
        #expect(record.key == Array("transaction-42".utf8))
        #expect(record.topicPartition == report.topicPartition && record.offset == report.offset)
        let timestamp = try #require(record.timestamp)
        #expect(timestamp.timeIntervalSince(before) > -5 && timestamp.timeIntervalSince(before) < 60)
        try await consumer.close()
    }

    @Test("a transaction commits its records and the consumer's offsets together; an abort commits no offsets", .timeLimit(.minutes(2)))
    func transactionCommitsRecordsAndOffsets() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let input = try await KafkaTest.createTopic("tx-in", partitions: 1, servers: servers)
        let output = try await KafkaTest.createTopic("tx-out", partitions: 1, servers: servers)
        let inputPartition = KafkaTopicPartition(topic: input, partition: 0)
        _ = try await KafkaTest.producer(servers: servers).send(KafkaTest.outgoing(8, topic: input))

        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("tx")),
            logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [input])
        let consumed = try await KafkaTest.records(8, from: consumer)

        let producer = try KafkaTest.producer(servers: servers) { $0.transactionalID = TestEnvironment.uniqueName("tx-id") }
        try await producer.initTransactions()
        try producer.beginTransaction()
        _ = try await producer.send(consumed.prefix(5).map { KafkaOutgoingRecord(topic: output, value: Array("done-\($0.text)".utf8)) })
        try await producer.sendOffsetsToTransaction([inputPartition: 5], groupMetadata: consumer.groupMetadata())
        try await producer.commitTransaction()
        #expect(try await consumer.committed([inputPartition]) == [inputPartition: 5])

        try producer.beginTransaction()
        _ = try await producer.send(KafkaOutgoingRecord(topic: output, value: Array("aborted".utf8)))
        try await producer.sendOffsetsToTransaction([inputPartition: 8], groupMetadata: consumer.groupMetadata())
        try await producer.abortTransaction()
        #expect(try await consumer.committed([inputPartition]) == [inputPartition: 5], "the aborted transaction's offsets are not committed")
        try await consumer.close()

        let reader = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("tx-read")),
            logger: KafkaTest.logger
        )
        try reader.subscribe(topics: [output])
        let committed = try await KafkaTest.records(5, from: reader)
        #expect(committed.map(\.text) == (0..<5).map { "done-\($0)" })
        try await reader.close()
    }
}

@Suite("Kafka admin against the broker")
struct KafkaAdminTests {
    @Test("topics are created, described with their partition count, and deleted", .timeLimit(.minutes(1)))
    func createDescribeDelete() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let admin = try KafkaAdmin(bootstrapServers: servers, logger: KafkaTest.logger)
        let topic = TestEnvironment.uniqueName("admin")
        try await admin.createTopic(topic, partitions: 3)
        #expect(try await admin.describeTopic(topic) == KafkaTopicDescription(name: topic, partitionCount: 3))

        let duplicate = await #expect(throws: KafkaError.self) { try await admin.createTopic(topic, partitions: 3) }
        #expect(duplicate?.code == .topicAlreadyExists)

        try await admin.deleteTopic(topic)
        let missing = await #expect(throws: KafkaError.self) { try await admin.describeTopic(topic) }
        #expect(missing?.code == .unknownTopicOrPartition)
    }
}
