import Foundation
import Kafka
import Synchronization
import TestSupport
import Testing

/// The rebalance sequence of a rolling restart, in seconds: three members of a cooperative group on six
/// partitions, committing all the time; each in turn leaves while its replacement joins. Every partition
/// must end up owned by exactly one member.
///
/// It runs on librdkafka's mock cluster, whose group coordinator completes such rebalances. tansu's does
/// not always: under load it answers the remaining members' JoinGroup with the departed leader, and the
/// group never reassigns that leader's partitions (README, "The test broker's limits").
/// `KAFKA_ROLLING_ON_SERVICES=1` runs it on the services' broker instead, to see that for oneself
/// (with `KAFKA_TEST_DEBUG=cgrp` for librdkafka's group log).
@Suite("Kafka rolling restart of a cooperative group")
struct KafkaRollingRestartTests {
    @Test("a member leaving while another joins ends with every partition owned once", .timeLimit(.minutes(3)))
    func leaveWhileJoining() async throws {
        let onServices = ProcessInfo.processInfo.environment["KAFKA_ROLLING_ON_SERVICES"] == "1"
        let mock = onServices ? nil : try await MockBroker()
        defer { mock?.stop() }
        let servers = try mock?.bootstrapServers ?? TestEnvironment.kafkaBootstrapServers()
        let topic = TestEnvironment.uniqueName("rolling")
        try await TestTopics.create(topic, partitions: 6, servers: servers)
        let group = TestEnvironment.uniqueName("rolling")
        let all = KafkaTest.partitions(topic, 6)
        let producer = try KafkaTest.producer(servers: servers)
        let load = Task {
            while !Task.isCancelled {
                _ = try? await producer.send(KafkaTest.outgoing(12, topic: topic, keys: 12))
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { load.cancel() }

        var members = try (0..<3).map { _ in try GroupMember(servers: servers, topic: topic, group: group) }
        try await GroupMember.waitUntilOwned(all, by: members, within: .seconds(60), "the first three members")
        for index in 0..<3 {
            let leaving = members[index]
            async let left: Void = leaving.leave()
            members[index] = try GroupMember(servers: servers, topic: topic, group: group)
            await left
            try await GroupMember.waitUntilOwned(all, by: members, within: .seconds(60), "after restarting member \(index)")
        }
        // Owned and staying owned. Both test brokers answer a commit racing a rebalance with
        // ILLEGAL_GENERATION, which librdkafka treats as a lost assignment and rejoins: a few extra
        // rebalances may follow, but the group must settle with every partition owned.
        try await Task.sleep(for: .seconds(3))
        try await GroupMember.waitUntilOwned(all, by: members, within: .seconds(60), "after the last restart")
        for member in members { await member.leave() }
    }
}

/// A group member as the worker is one: it reads, commits what it read every 200 ms, and acknowledges
/// a revocation after committing.
final class GroupMember: Sendable {
    let consumer: KafkaConsumer
    private let loop: Task<Void, Never>

    init(servers: String, topic: String, group: String) throws {
        var configuration = KafkaTest.consumerConfiguration(servers: servers, group: group)
        var logger = KafkaTest.logger
        if let debug = ProcessInfo.processInfo.environment["KAFKA_TEST_DEBUG"] {  // e.g. cgrp,consumer
            configuration.additionalProperties["debug"] = debug
            logger.logLevel = .debug
            logger[metadataKey: "member"] = "\(UUID().uuidString.prefix(4))"
        }
        let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        try consumer.subscribe(topics: [topic])
        self.consumer = consumer
        loop = Task {
            var read: [KafkaTopicPartition: Int64] = [:]
            var lastCommit = ContinuousClock.now
            var iterator = consumer.events.makeAsyncIterator()
            while let event = try? await iterator.next() {
                switch event {
                case .record(let record):
                    read[record.topicPartition] = record.offset + 1
                case .assigned:
                    break
                case .revoked(let revocation):
                    let revoked = read.filter { revocation.partitions.contains($0.key) }
                    if !revocation.isLost, !revoked.isEmpty { try? await consumer.commit(revoked) }
                    for partition in revocation.partitions { read[partition] = nil }
                    revocation.acknowledge()
                }
                if ContinuousClock.now - lastCommit > .milliseconds(200), !read.isEmpty {
                    try? await consumer.commit(read)  // ILLEGAL_GENERATION and friends during a rebalance are expected
                    lastCommit = .now
                }
            }
        }
    }

    func leave() async {
        try? await consumer.close()
        await loop.value
    }

    /// Waits until `members` own `partitions` between them, each exactly once.
    static func waitUntilOwned(
        _ partitions: Set<KafkaTopicPartition>, by members: [GroupMember], within limit: Duration, _ what: String
    ) async throws {
        let deadline = ContinuousClock.now + limit
        while true {
            let assignments = members.map { $0.consumer.assignment }
            let owned = assignments.reduce(into: Set<KafkaTopicPartition>()) { $0.formUnion($1) }
            let overlapping = assignments.map(\.count).reduce(0, +) != owned.count
            if owned == partitions, !overlapping { return }
            guard ContinuousClock.now < deadline else {
                let described = assignments.enumerated().map { "member \($0.offset): \($0.element.map(\.description).sorted())" }
                Issue.record("\(what): partitions without an owner \(partitions.subtracting(owned).map(\.description).sorted()), overlapping \(overlapping); \(described.joined(separator: "; "))")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
