import CRdKafka
import Foundation
import Kafka
import Synchronization
import TestSupport
import Testing

/// Protocol-level faults injected with librdkafka's own in-process mock cluster.
@Suite("Kafka protocol faults on librdkafka's mock cluster")
struct KafkaMockClusterTests {
    // 5 minutes: on a loaded machine the mock cluster's own threads can starve, its coordinator drops the member's
    // requests and the member re-joins after its 45 s session (seen under two parallel passes: 120 s exceeded).
    @Test("a commit that meets an unavailable or moved coordinator is retried or surfaced as retryable, and lands", .timeLimit(.minutes(5)))
    func coordinatorUnavailableDuringCommit() async throws {
        let mock = try MockCluster(brokers: 3)
        let topic = TestEnvironment.uniqueName("mock-commit")
        mock.createTopic(topic, partitions: 1)
        let partition = KafkaTopicPartition(topic: topic, partition: 0)
        _ = try await KafkaTest.producer(servers: mock.bootstrapServers).send(KafkaTest.outgoing(10, topic: topic))

        // A long session, so a loaded machine cannot expel the member: this test is about the coordinator.
        var configuration = KafkaTest.consumerConfiguration(servers: mock.bootstrapServers, group: TestEnvironment.uniqueName("mock"))
        configuration.sessionTimeout = .seconds(45)
        configuration.heartbeatInterval = .seconds(3)
        let consumer = try KafkaConsumer(configuration: configuration, logger: KafkaTest.logger)
        try consumer.subscribe(topics: [topic])
        #expect(try await KafkaTest.records(10, from: consumer).count == 10)

        mock.startTracking()
        mock.pushErrors(apiKey: MockCluster.offsetCommit, [
            RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
        ])
        var surfaced: [KafkaError] = []
        for _ in 0..<6 {
            do {
                try await consumer.commit([partition: 10])
                break
            } catch let error as KafkaError {
                surfaced.append(error)
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        #expect(surfaced.allSatisfy { $0.isRetryable }, "coordinator errors surface as retryable: \(surfaced)")
        #expect(surfaced.count < 6, "the commit lands once the coordinator is back")
        #expect(try await consumer.committed([partition]) == [partition: 10])
        #expect(mock.requestCount(apiKey: MockCluster.offsetCommit) >= 4, "the three injected failures and the success all reached the broker")
        try await consumer.close()
    }

    @Test("produce requests that time out are retried by the idempotent producer without duplicates", .timeLimit(.minutes(2)))
    func produceRequestTimeoutsAreRetried() async throws {
        let mock = try MockCluster(brokers: 1)
        let topic = TestEnvironment.uniqueName("mock-produce")
        mock.createTopic(topic, partitions: 1)
        let producer = try KafkaTest.producer(servers: mock.bootstrapServers)
        _ = try await producer.send(KafkaOutgoingRecord(topic: topic, value: Array("warm-up".utf8)))

        mock.startTracking()
        mock.pushErrors(apiKey: MockCluster.produce, Array(repeating: RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, count: 3))
        let reports = try await producer.send(KafkaTest.outgoing(5, topic: topic))
        #expect(reports.map(\.offset) == Array(1...5))
        #expect(mock.requestCount(apiKey: MockCluster.produce) >= 4, "the timed-out requests were retried")

        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: mock.bootstrapServers, group: TestEnvironment.uniqueName("mock")),
            logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [topic])
        let records = try await KafkaTest.records(6, from: consumer)
        #expect(records.map(\.text) == ["warm-up", "0", "1", "2", "3", "4"], "each record stored once, in order")
        try await consumer.close()
    }

    @Test("a broker too slow for message.timeout.ms surfaces a retryable timeout, and sends succeed once it recovers", .timeLimit(.minutes(2)))
    func slowBrokerSurfacesMessageTimeout() async throws {
        let mock = try MockCluster(brokers: 1)
        let topic = TestEnvironment.uniqueName("mock-slow")
        mock.createTopic(topic, partitions: 1)
        let producer = try KafkaTest.producer(servers: mock.bootstrapServers) {
            $0.messageTimeout = .seconds(2)
            $0.additionalProperties["request.timeout.ms"] = "1000"
        }
        _ = try await producer.send(KafkaOutgoingRecord(topic: topic, value: Array("warm-up".utf8)))

        mock.setRoundTripTime(milliseconds: 4000)
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaOutgoingRecord(topic: topic, value: Array("slow".utf8)))
        }
        #expect(error?.code == .messageTimedOut)
        #expect(error?.isRetryable == true)
        #expect(error?.isFatal == false)

        mock.setRoundTripTime(milliseconds: 0)
        var delivered: KafkaDeliveryReport?
        for _ in 0..<10 where delivered == nil {
            delivered = try? await producer.send(KafkaOutgoingRecord(topic: topic, value: Array("recovered".utf8)))
        }
        #expect(delivered != nil, "the producer recovers once the broker answers in time")
    }

    @Test("the broker going down and coming back: sends made meanwhile are delivered once, in order, and the consumer carries on", .timeLimit(.minutes(2)))
    func brokerDownAndUp() async throws {
        let mock = try MockCluster(brokers: 1)
        let topic = TestEnvironment.uniqueName("mock-down")
        mock.createTopic(topic, partitions: 1)
        let producer = try KafkaTest.producer(servers: mock.bootstrapServers)
        _ = try await producer.send(KafkaTest.outgoing(3, topic: topic))
        var configuration = KafkaTest.consumerConfiguration(servers: mock.bootstrapServers, group: TestEnvironment.uniqueName("mock"))
        configuration.sessionTimeout = .seconds(45)
        configuration.heartbeatInterval = .seconds(3)
        let consumer = try KafkaConsumer(configuration: configuration, logger: KafkaTest.logger)
        try consumer.subscribe(topics: [topic])
        #expect(try await KafkaTest.records(3, from: consumer).map(\.text) == ["0", "1", "2"])

        mock.setBroker(1, up: false)
        let acknowledged = Mutex(false)
        let sending = Task {
            let reports = try await producer.send((3..<8).map { KafkaOutgoingRecord(topic: topic, value: Array(String($0).utf8)) })
            acknowledged.withLock { $0 = true }
            return reports
        }
        try await Task.sleep(for: .seconds(3))
        #expect(!acknowledged.withLock { $0 }, "nothing is acknowledged while the broker is down")
        mock.setBroker(1, up: true)
        let reports = try await sending.value
        #expect(reports.map(\.offset) == Array(3...7), "each record stored once, after the ones before the outage")
        #expect(try await KafkaTest.records(5, from: consumer).map(\.text) == ["3", "4", "5", "6", "7"], "the consumer continues where it was")
        try await consumer.close()
    }
}

/// librdkafka's mock cluster, owned by a throwaway client handle.
final class MockCluster {
    static let produce: Int16 = 0
    static let offsetCommit: Int16 = 8

    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    private let brokers: Int32
    let bootstrapServers: String

    init(brokers: Int32) throws {
        let conf = rd_kafka_conf_new()
        var errorText = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_conf_set(conf, "log_level", "2", &errorText, errorText.count)
        guard let owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText, errorText.count) else {
            throw KafkaTest.Timeout(description: "could not create the mock cluster's owner handle")
        }
        guard let cluster = rd_kafka_mock_cluster_new(owner, brokers) else {
            rd_kafka_destroy(owner)
            throw KafkaTest.Timeout(description: "could not create a mock cluster")
        }
        self.owner = owner
        self.cluster = cluster
        self.brokers = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0)
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    func createTopic(_ topic: String, partitions: Int32) {
        _ = rd_kafka_mock_topic_create(cluster, topic, partitions, 1)
    }

    /// The next requests with `apiKey` fail with `errors`, one each.
    func pushErrors(apiKey: Int16, _ errors: [rd_kafka_resp_err_t]) {
        errors.withUnsafeBufferPointer { rd_kafka_mock_push_request_errors_array(cluster, apiKey, errors.count, $0.baseAddress) }
    }

    func setBroker(_ broker: Int32, up: Bool) {
        _ = up ? rd_kafka_mock_broker_set_up(cluster, broker) : rd_kafka_mock_broker_set_down(cluster, broker)
    }

    func setRoundTripTime(milliseconds: Int32) {
        for broker in 1...brokers { _ = rd_kafka_mock_broker_set_rtt(cluster, broker, milliseconds) }
    }

    func startTracking() {
        rd_kafka_mock_clear_requests(cluster)
        rd_kafka_mock_start_request_tracking(cluster)
    }

    /// Requests with `apiKey` the brokers received since ``startTracking()``.
    func requestCount(apiKey: Int16) -> Int {
        var count = 0
        guard let requests = rd_kafka_mock_get_requests(cluster, &count) else { return 0 }
        defer { rd_kafka_mock_request_destroy_array(requests, count) }
        return (0..<count).filter { rd_kafka_mock_request_api_key(requests[$0]) == apiKey }.count
    }
}
