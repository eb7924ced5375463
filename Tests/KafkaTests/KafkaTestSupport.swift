import Foundation
import Kafka
import Logging
import TestSupport
import Testing

/// Shared helpers for the Kafka integration tests: names, configurations, topics, and draining events
/// with a deadline.
enum KafkaTest {
    struct Timeout: Error, CustomStringConvertible {
        let description: String
    }

    static var logger: Logger {
        var logger = Logger(label: "kafka-tests")
        logger.logLevel = .warning
        return logger
    }

    /// A consumer configuration with the broker's fast-join settings (`session.timeout.ms=6000`).
    static func consumerConfiguration(
        servers: String, group: String, protocol rebalanceProtocol: KafkaConsumerConfiguration.RebalanceProtocol = .cooperativeSticky
    ) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: servers, groupID: group)
        configuration.sessionTimeout = .seconds(6)
        configuration.heartbeatInterval = .seconds(1)
        configuration.rebalanceProtocol = rebalanceProtocol
        configuration.revokeDeadline = .seconds(20)
        return configuration
    }

    static func producer(servers: String, configure: (inout KafkaProducerConfiguration) -> Void = { _ in }) throws -> KafkaProducer {
        var configuration = KafkaProducerConfiguration(bootstrapServers: servers)
        configure(&configuration)
        return try KafkaProducer(configuration: configuration, logger: logger)
    }

    /// A new topic with a unique name.
    static func createTopic(_ prefix: String, partitions: Int, servers: String) async throws -> String {
        let topic = TestEnvironment.uniqueName(prefix)
        try await TestTopics.create(topic, partitions: partitions, servers: servers)
        return topic
    }

    /// Runs `body`, failing with a ``Timeout`` naming `what` after `limit`.
    static func within<T: Sendable>(
        _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw Timeout(description: "timed out after \(limit) waiting for \(what)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Reads events until `count` records arrived; acknowledges revocations at once.
    static func records(
        _ count: Int, from consumer: KafkaConsumer, within limit: Duration = .seconds(60)
    ) async throws -> [KafkaRecord] {
        try await within(limit, "\(count) records") {
            var records: [KafkaRecord] = []
            var iterator = consumer.events.makeAsyncIterator()
            while records.count < count, let event = try await iterator.next() {
                switch event {
                case .record(let record): records.append(record)
                case .revoked(let revocation): revocation.acknowledge()
                case .assigned: break
                }
            }
            return records
        }
    }

    /// Reads events until the consumer's assignment satisfies `condition`; returns records seen meanwhile.
    @discardableResult
    static func waitForAssignment(
        _ consumer: KafkaConsumer, within limit: Duration = .seconds(60),
        _ condition: @escaping @Sendable (Set<KafkaTopicPartition>) -> Bool
    ) async throws -> [KafkaRecord] {
        try await within(limit, "an assignment") {
            var records: [KafkaRecord] = []
            var iterator = consumer.events.makeAsyncIterator()
            while !condition(consumer.assignment), let event = try await iterator.next() {
                switch event {
                case .record(let record): records.append(record)
                case .revoked(let revocation): revocation.acknowledge()
                case .assigned: break
                }
            }
            return records
        }
    }

    /// `count` records with value "i" (and key "key-(i % keys)") for `topic`.
    static func outgoing(_ count: Int, topic: String, keys: Int? = nil, partition: Int32? = nil) -> [KafkaOutgoingRecord] {
        (0..<count).map { index in
            KafkaOutgoingRecord(
                topic: topic, partition: partition, key: keys.map { Array("key-\(index % $0)".utf8) },
                value: Array(String(index).utf8)
            )
        }
    }

    static func partitions(_ topic: String, _ count: Int) -> Set<KafkaTopicPartition> {
        Set((0..<Int32(count)).map { KafkaTopicPartition(topic: topic, partition: $0) })
    }
}

extension KafkaRecord {
    var text: String { String(decoding: value, as: UTF8.self) }
}
