import Foundation
import Kafka
import Logging
import TestSupport
import Testing
import Workflow

/// In the exactly-once mode a commit that runs out of time goes on in librdkafka; aborting it
/// conflicts with it, and so did every later transaction: the worker published nothing more. The
/// outbox now resumes it with the next commit (librdkafka's mock cluster delays the coordinator).
@Suite("Exactly-once outbox: a commit that runs out of time", .timeLimit(.minutes(3)))
struct TransactionalOutboxCommitTests {
    static let endTxn = 26
    static let coordinatorLoadInProgress = 14

    @Test("a commit the coordinator holds past its time-out is resumed by the next one; both results appear once")
    func interruptedCommitIsResumed() async throws {
        let broker = try await MockBroker()
        defer { broker.stop() }
        let servers = broker.bootstrapServers
        let input = TestEnvironment.uniqueName("eos-in")
        let output = TestEnvironment.uniqueName("eos-out")
        try await TestTopics.create(input, partitions: 1, servers: servers)
        try await TestTopics.create(output, partitions: 1, servers: servers)
        var logger = Logger(label: "outbox-test")
        logger.logLevel = .warning

        var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: servers, groupID: TestEnvironment.uniqueName("eos"))
        consumerConfiguration.sessionTimeout = .seconds(6)
        consumerConfiguration.heartbeatInterval = .seconds(1)
        let consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
        try consumer.subscribe(topics: [input])
        var events = consumer.events.makeAsyncIterator()
        assignment: while let event = try await events.next() {
            if case .assigned = event { break assignment }
        }

        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: servers)
        producerConfiguration.transactionalID = TestEnvironment.uniqueName("eos-producer")
        producerConfiguration.transactionOperationTimeout = .seconds(2)
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
        try await producer.initTransactions()
        let outbox = TransactionalOutbox(producer: producer, groupMetadata: { try consumer.groupMetadata() }, logger: logger)
        let partition = KafkaTopicPartition(topic: input, partition: 0)

        outbox.set([KafkaOutgoingRecord(topic: output, value: Array("first".utf8))], for: partition, offset: 0)
        try broker.command("errors \(Self.endTxn) \(Array(repeating: "\(Self.coordinatorLoadInProgress)", count: 300).joined(separator: ","))")
        await #expect(throws: KafkaError.self, "the coordinator holds the commit past its 2 s") {
            try await outbox.commit([partition: 1])
        }
        try broker.command("clear-errors \(Self.endTxn)")

        outbox.set([KafkaOutgoingRecord(topic: output, value: Array("second".utf8))], for: partition, offset: 1)
        try await outbox.commit([partition: 2])
        #expect(outbox.pendingCount == 0)

        let collector = try TopicCollector(servers: servers, topic: output)
        let reader = Task { try await collector.run() }
        defer { reader.cancel() }
        try await collector.waitFor(count: 2, timeout: .seconds(30))
        try await Task.sleep(for: .seconds(1))
        #expect(collector.records.map { String(decoding: $0.value, as: UTF8.self) } == ["first", "second"])
        try await consumer.close()
    }
}
