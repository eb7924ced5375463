import CRdKafka
import Foundation
import Kafka
import TestSupport
import Testing

/// Proves the chain from this package to the broker with librdkafka's C API alone:
/// create a topic, produce one message, consume it back.
@Suite("Broker smoke test")
struct BrokerSmokeTests {
    @Test("the linked librdkafka is at least 2.2")
    func linkedVersionIsSupported() {
        #expect(LibrdkafkaVersion.isSupported, "linked librdkafka \(LibrdkafkaVersion.string) is older than 2.2")
    }

    @Test("a message produced to a new topic is consumed back", .timeLimit(.minutes(1)))
    func produceAndConsume() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let topic = TestEnvironment.uniqueName("smoke")
        let group = TestEnvironment.uniqueName("smoke-group")
        let payload = "hello \(topic)"

        // librdkafka's C calls block (group join, polls): on a thread of their own, not the test pool's.
        let received = try await onOwnThread {
            try RawKafka.createTopic(topic, partitions: 1, servers: servers)
            try RawKafka.produce(payload, key: "k1", topic: topic, servers: servers)
            return try RawKafka.consumeOne(topic: topic, group: group, servers: servers)
        }
        #expect(received == payload)
    }
}

/// Just enough of librdkafka's C API for the smoke test; the product code uses the `Kafka` module.
private enum RawKafka {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func client(_ type: rd_kafka_type_t, _ properties: [String: String]) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in properties {
            guard rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                throw Failure(description: "\(key): \(text(errstr))")
            }
        }
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            throw Failure(description: "rd_kafka_new: \(text(errstr))")
        }
        return handle
    }

    static func createTopic(_ topic: String, partitions: Int32, servers: String) throws {
        let admin = try client(RD_KAFKA_PRODUCER, ["bootstrap.servers": servers])
        defer { rd_kafka_destroy(admin) }
        var errstr = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(topic, partitions, 1, &errstr, errstr.count) else {
            throw Failure(description: "NewTopic: \(text(errstr))")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        let queue = rd_kafka_queue_new(admin)
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(admin, &topics, 1, nil, queue)
        guard let event = rd_kafka_queue_poll(queue, 15_000) else { throw Failure(description: "CreateTopics timed out") }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw Failure(description: "CreateTopics: \(String(cString: rd_kafka_event_error_string(event)))")
        }
        var count = 0
        let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
        guard count == 1, let result = results?[0] else { throw Failure(description: "CreateTopics returned \(count) results") }
        let error = rd_kafka_topic_result_error(result)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw Failure(description: "CreateTopics: \(String(cString: rd_kafka_err2str(error)))") }
    }

    static func produce(_ value: String, key: String, topic: String, servers: String) throws {
        let producer = try client(RD_KAFKA_PRODUCER, ["bootstrap.servers": servers, "enable.idempotence": "true"])
        defer { rd_kafka_destroy(producer) }
        let handle = rd_kafka_topic_new(producer, topic, nil)
        defer { rd_kafka_topic_destroy(handle) }
        var bytes = Array(value.utf8)
        var keyBytes = Array(key.utf8)
        let status = rd_kafka_produce(handle, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, &bytes, bytes.count, &keyBytes, keyBytes.count, nil)
        guard status == 0 else { throw Failure(description: "produce: \(String(cString: rd_kafka_err2str(rd_kafka_last_error())))") }
        let flushed = rd_kafka_flush(producer, 15_000)
        guard flushed == RD_KAFKA_RESP_ERR_NO_ERROR else { throw Failure(description: "flush: \(String(cString: rd_kafka_err2str(flushed)))") }
    }

    static func consumeOne(topic: String, group: String, servers: String) throws -> String {
        let consumer = try client(RD_KAFKA_CONSUMER, [
            "bootstrap.servers": servers, "group.id": group, "auto.offset.reset": "earliest",
            "session.timeout.ms": "6000", "heartbeat.interval.ms": "1000",
        ])
        defer { rd_kafka_destroy(consumer) }
        rd_kafka_poll_set_consumer(consumer)
        let subscription = rd_kafka_topic_partition_list_new(1)
        defer { rd_kafka_topic_partition_list_destroy(subscription) }
        rd_kafka_topic_partition_list_add(subscription, topic, RD_KAFKA_PARTITION_UA)
        let subscribed = rd_kafka_subscribe(consumer, subscription)
        guard subscribed == RD_KAFKA_RESP_ERR_NO_ERROR else { throw Failure(description: "subscribe: \(String(cString: rd_kafka_err2str(subscribed)))") }
        defer { rd_kafka_consumer_close(consumer) }

        let deadline = ContinuousClock.now + .seconds(45)
        while ContinuousClock.now < deadline {
            guard let message = rd_kafka_consumer_poll(consumer, 500) else { continue }
            defer { rd_kafka_message_destroy(message) }
            guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            let buffer = UnsafeRawBufferPointer(start: message.pointee.payload, count: message.pointee.len)
            return String(decoding: buffer, as: UTF8.self)
        }
        throw Failure(description: "no message arrived on \(topic) within 45 s")
    }
}
