import Foundation
import ProcessSpawning
import Kafka
import Synchronization
import TestSupport
import Testing

/// Members taking over from members that leave run on librdkafka's mock cluster: its group coordinator
/// completes the rebalances that tansu's sometimes leaves unfinished (README, "The test broker's limits").
@Suite("Kafka consumer groups")
struct KafkaGroupTests {
    @Test("two members split the partitions and the survivor takes all of them after the other closes", .timeLimit(.minutes(2)))
    func survivorTakesOverAfterClose() async throws {
        let broker = try await MockBroker()
        defer { broker.stop() }
        let servers = broker.bootstrapServers
        let topic = try await KafkaTest.createTopic("split", partitions: 4, servers: servers)
        let group = TestEnvironment.uniqueName("split")
        let all = KafkaTest.partitions(topic, 4)
        let first = try KafkaConsumer(configuration: KafkaTest.consumerConfiguration(servers: servers, group: group), logger: KafkaTest.logger)
        let second = try KafkaConsumer(configuration: KafkaTest.consumerConfiguration(servers: servers, group: group), logger: KafkaTest.logger)
        try first.subscribe(topics: [topic])
        try second.subscribe(topics: [topic])

        async let firstShare: [KafkaRecord] = KafkaTest.waitForAssignment(first) { !$0.isEmpty && $0.count < 4 }
        async let secondShare: [KafkaRecord] = KafkaTest.waitForAssignment(second) { !$0.isEmpty && $0.count < 4 }
        _ = try await (firstShare, secondShare)
        #expect(first.assignment.isDisjoint(with: second.assignment))
        #expect(first.assignment.union(second.assignment) == all, "the two members split all 4 partitions")

        try await second.close()
        try await KafkaTest.waitForAssignment(first) { $0 == all }
        #expect(first.assignment == all)
        try await first.close()
    }

    @Test("the survivor takes over all partitions after the other member is SIGKILLed", .timeLimit(.minutes(2)))
    func survivorTakesOverAfterKill() async throws {
        let broker = try await MockBroker()
        defer { broker.stop() }
        let servers = broker.bootstrapServers
        let topic = try await KafkaTest.createTopic("kill", partitions: 4, servers: servers)
        let group = TestEnvironment.uniqueName("kill")
        let all = KafkaTest.partitions(topic, 4)

        let helper = try HelperConsumer(servers: servers, topic: topic, group: group)
        defer { helper.kill() }
        try await helper.waitForOutput(containing: "assigned ")

        let survivor = try KafkaConsumer(configuration: KafkaTest.consumerConfiguration(servers: servers, group: group), logger: KafkaTest.logger)
        try survivor.subscribe(topics: [topic])
        try await KafkaTest.waitForAssignment(survivor) { !$0.isEmpty && $0.count < 4 }
        #expect(survivor.assignment.count < 4, "the helper holds some partitions")

        helper.kill()
        // The broker notices after the session timeout (6 s) and rebalances.
        try await KafkaTest.waitForAssignment(survivor, within: .seconds(60)) { $0 == all }
        #expect(survivor.assignment == all)

        _ = try await KafkaTest.producer(servers: servers).send(
            (0..<4).map { KafkaOutgoingRecord(topic: topic, partition: Int32($0), value: Array("after-kill".utf8)) }
        )
        let records = try await KafkaTest.records(4, from: survivor)
        #expect(Set(records.map(\.partition)) == [0, 1, 2, 3], "the survivor reads every partition")
        try await survivor.close()
    }

    @Test(
        "a revoke waits for the acknowledgement, commits made during it succeed, and the new owner starts there",
        .timeLimit(.minutes(2)),
        arguments: [KafkaConsumerConfiguration.RebalanceProtocol.cooperativeSticky, .eagerRange]
    )
    func revokeWaitsForAcknowledgement(_ rebalanceProtocol: KafkaConsumerConfiguration.RebalanceProtocol) async throws {
        // On tansu: the mock cluster refuses commits during an eager revoke, which Apache Kafka accepts
        // (the generation is still current until the member rejoins).
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("revoke", partitions: 2, servers: servers)
        let group = TestEnvironment.uniqueName("revoke")
        let producer = try KafkaTest.producer(servers: servers)
        for partition in [Int32(0), 1] {
            _ = try await producer.send(KafkaTest.outgoing(10, topic: topic, partition: partition))
        }
        let configuration = KafkaTest.consumerConfiguration(servers: servers, group: group, protocol: rebalanceProtocol)

        let first = try KafkaConsumer(configuration: configuration, logger: KafkaTest.logger)
        try first.subscribe(topics: [topic])
        #expect(try await KafkaTest.records(20, from: first).count == 20)

        // The first member works on the revoked partitions for a while, commits offset 7 for them, then acknowledges.
        let acknowledged = Mutex(false)
        let commitFailures = Mutex<[String]>([])
        let firstLoop = Task {
            var iterator = first.events.makeAsyncIterator()
            while let event = try await iterator.next() {
                guard case .revoked(let revocation) = event else { continue }
                try await Task.sleep(for: .seconds(1))
                do {
                    try await first.commit(Dictionary(uniqueKeysWithValues: revocation.partitions.map { ($0, Int64(7)) }))
                } catch {
                    commitFailures.withLock { $0.append("\(error)") }
                }
                acknowledged.withLock { $0 = true }
                revocation.acknowledge()
            }
        }
        defer { firstLoop.cancel() }

        let second = try KafkaConsumer(configuration: configuration, logger: KafkaTest.logger)
        try second.subscribe(topics: [topic])
        let (firstRecords, acknowledgedBeforeFirstRecord) = try await KafkaTest.within(.seconds(60), "the new owner's records") {
            var iterator = second.events.makeAsyncIterator()
            var records: [KafkaRecord] = []
            var acknowledgedFirst = false
            while records.count < 3, let event = try await iterator.next() {
                guard case .record(let record) = event else { continue }
                if records.isEmpty { acknowledgedFirst = acknowledged.withLock { $0 } }
                records.append(record)
            }
            return (records, acknowledgedFirst)
        }
        #expect(commitFailures.withLock { $0 }.isEmpty, "commits during the revoke succeed")
        #expect(acknowledgedBeforeFirstRecord, "the partitions moved only after the acknowledgement")
        #expect(firstRecords.map(\.offset) == [7, 8, 9], "the new owner starts at the offset committed during the revoke")
        firstLoop.cancel()
        _ = await firstLoop.result
        try await second.close()
        try await first.close()
    }
}

/// `KafkaTestConsumer` in its own process, writing its events to a file.
final class HelperConsumer: Sendable {
    private let process: ChildProcess
    private let output: URL

    init(servers: String, topic: String, group: String) throws {
        let binary = try BuiltExecutable.url(named: "KafkaTestConsumer")
        output = FileManager.default.temporaryDirectory.appendingPathComponent("kafka-helper-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process = try ChildProcess(
            executable: binary, arguments: [servers, topic, group],
            environment: ProcessInfo.processInfo.environment, output: .file(output), error: .inherit
        )
    }

    var text: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    func waitForOutput(containing needle: String) async throws {
        try await KafkaTest.within(.seconds(60), "the helper to print \"\(needle)\"") { [self] in
            while !text.contains(needle) { try await Task.sleep(for: .milliseconds(100)) }
        }
    }

    func kill() {
        process.kill()
    }
}
