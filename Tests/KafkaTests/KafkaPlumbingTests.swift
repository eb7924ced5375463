import Foundation
@testable import Kafka
import Logging
import Synchronization
import TestSupport
import Testing

@Suite("Kafka plumbing: logs and statistics")
struct KafkaPlumbingTests {
    @Test("librdkafka's log lines reach the injected swift-log logger", .timeLimit(.minutes(1)))
    func logsReachSwiftLog() async throws {
        let store = CapturedLogs()
        var logger = Logger(label: "captured") { _ in CapturingLogHandler(store: store) }
        logger.logLevel = .debug
        // Nothing listens on port 1: librdkafka logs the refused connection.
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1"), logger: logger)
        try await KafkaTest.within(.seconds(30), "a librdkafka log line") {
            while !store.entries.contains(where: { $0.source == "librdkafka" }) { try await Task.sleep(for: .milliseconds(100)) }
        }
        let entry = try #require(store.entries.first { $0.source == "librdkafka" })
        #expect(entry.metadata[KafkaLoggingKeys.facility] != nil)
        withExtendedLifetime(producer) {}
    }

    @Test("the clients' poll threads carry their names where operators look (/proc, top, gdb)", .timeLimit(.minutes(1)))
    func pollThreadsAreNamed() async throws {
        // Nothing listens on port 1: the clients start their threads all the same.
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1"), logger: KafkaTest.logger)
        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: "127.0.0.1:1", group: TestEnvironment.uniqueName("names")), logger: KafkaTest.logger)
        let admin = try KafkaAdmin(bootstrapServers: "127.0.0.1:1", logger: KafkaTest.logger)
        let names = try await KafkaTest.within(.seconds(10), "the three poll threads") { () -> Set<String> in
            while true {
                let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
                let names = Set(tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
                    .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                if names.isSuperset(of: ["kafka-producer", "kafka-consumer", "kafka-admin"]) { return names }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(names.contains("kafka-consumer"))
        try await consumer.close()
        withExtendedLifetime((producer, admin)) {}
    }

    @Test("statistics arrive parsed, with partitions, queue depths and broker round-trip times", .timeLimit(.minutes(1)))
    func statisticsArrive() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = try await KafkaTest.createTopic("stats", partitions: 2, servers: servers)
        _ = try await KafkaTest.producer(servers: servers).send(KafkaTest.outgoing(10, topic: topic))
        let latest = Mutex<KafkaStatistics?>(nil)
        var configuration = KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("stats"))
        configuration.statisticsInterval = .milliseconds(500)
        let consumer = try KafkaConsumer(configuration: configuration, logger: KafkaTest.logger) { statistics in
            latest.withLock { $0 = statistics }
        }
        try consumer.subscribe(topics: [topic])
        _ = try await KafkaTest.records(10, from: consumer)
        let statistics = try await KafkaTest.within(.seconds(30), "statistics naming the topic's partitions") {
            while true {
                if let statistics = latest.withLock({ $0 }),
                   Set(statistics.partitions.map(\.topicPartition)).isSuperset(of: KafkaTest.partitions(topic, 2)),
                   statistics.brokers.contains(where: { $0.roundTripTimeAverage != nil }) {
                    return statistics
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(statistics.clientType == "consumer")
        #expect(statistics.brokers.contains { $0.state == "UP" })
        try await consumer.close()
    }

    @Test("a statistics document decodes lag, queue depths and round-trip times")
    func statisticsDecode() throws {
        let json = """
            {"name":"c#consumer-1","client_id":"vlens","type":"consumer","ts":1,"time":1700000000,"replyq":3,"msg_cnt":0,
             "brokers":{"127.0.0.1:9092/1":{"name":"127.0.0.1:9092/1","nodeid":1,"state":"UP","outbuf_cnt":2,"waitresp_cnt":1,
               "rtt":{"min":100,"max":900,"avg":250,"p99":800,"cnt":12}}},
             "topics":{"t":{"topic":"t","partitions":{
               "0":{"partition":0,"consumer_lag":42,"fetchq_cnt":7,"msgq_cnt":0,"xmit_msgq_cnt":0,"committed_offset":10,"hi_offset":52},
               "-1":{"partition":-1,"consumer_lag":-1,"fetchq_cnt":0,"msgq_cnt":0,"xmit_msgq_cnt":0,"committed_offset":-1001,"hi_offset":-1}}}}}
            """
        let statistics = try Array(json.utf8).withUnsafeBytes { try KafkaStatistics(json: $0) }
        #expect(statistics.replyQueueDepth == 3)
        #expect(statistics.brokers.first?.roundTripTimeAverage == .microseconds(250))
        #expect(statistics.brokers.first?.outboundQueueDepth == 2)
        #expect(statistics.partitions.count == 1, "the internal unassigned partition -1 is left out")
        let partition = try #require(statistics.partitions.first)
        #expect(partition.consumerLag == 42 && partition.fetchQueueDepth == 7 && partition.committedOffset == 10 && partition.highWatermark == 52)
    }
}
