import CRdKafka
import Logging

/// Creates, deletes and describes topics.
public final class KafkaAdmin: Sendable {
    private let client: RDKafkaClient
    private let running = RunFlag()

    /// - Parameters:
    ///   - bootstrapServers: comma-separated `host:port` list.
    ///   - additionalProperties: any librdkafka property (`security.protocol`, `sasl.*`, `ssl.*`, ...).
    public init(bootstrapServers: String, additionalProperties: [String: String] = [:], logger: Logger) throws {
        var properties = ["bootstrap.servers": bootstrapServers]
        properties.merge(additionalProperties) { _, new in new }
        let client = try RDKafkaClient(type: RD_KAFKA_PRODUCER, properties: properties, logger: logger, statisticsHandler: nil)
        self.client = client
        // Serves logs and errors; holds only the client and the flag, so dropping the admin stops it.
        RDKafkaClient.startThread(name: "kafka-admin") { [running] in
            while running.isRunning { rd_kafka_poll(client.handle, 100) }
        }
    }

    deinit {
        running.stop()
    }

    /// Creates `name` with `partitions` partitions; throws ``KafkaError/Code/topicAlreadyExists`` if it exists.
    public func createTopic(
        _ name: String, partitions: Int, replicationFactor: Int = 1, config: [String: String] = [:], timeout: Duration = .seconds(30)
    ) async throws {
        try await client.runBlocking { handle throws(KafkaError) in
            var errorText = [CChar](repeating: 0, count: 512)
            guard let topic = rd_kafka_NewTopic_new(name, Int32(clamping: partitions), Int32(clamping: replicationFactor), &errorText, errorText.count) else {
                throw KafkaError(code: .invalidArgument, message: "topic \(name): \(RDKafkaClient.string(errorText))")
            }
            defer { rd_kafka_NewTopic_destroy(topic) }
            for (key, value) in config.sorted(by: { $0.key < $1.key }) {
                guard rd_kafka_NewTopic_set_config(topic, key, value) == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError(code: .invalidArgument, message: "topic \(name): cannot set \(key)")
                }
            }
            var topics: [OpaquePointer?] = [topic]
            try Self.request(handle, timeout: timeout, operation: "create topic \(name)") { queue, options in
                rd_kafka_CreateTopics(handle, &topics, 1, options, queue)
            } results: { event in
                var count = 0
                let results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
                return (0..<count).compactMap { results?[$0] }
            }
        }
    }

    /// Deletes `name`.
    public func deleteTopic(_ name: String, timeout: Duration = .seconds(30)) async throws {
        try await client.runBlocking { handle throws(KafkaError) in
            guard let topic = rd_kafka_DeleteTopic_new(name) else {
                throw KafkaError(code: .invalidArgument, message: "topic \(name) cannot be deleted")
            }
            defer { rd_kafka_DeleteTopic_destroy(topic) }
            var topics: [OpaquePointer?] = [topic]
            try Self.request(handle, timeout: timeout, operation: "delete topic \(name)") { queue, options in
                rd_kafka_DeleteTopics(handle, &topics, 1, options, queue)
            } results: { event in
                var count = 0
                let results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
                return (0..<count).compactMap { results?[$0] }
            }
        }
    }

    /// The topic's partition count, from cluster metadata; throws ``KafkaError/Code/unknownTopicOrPartition``
    /// when it does not exist.
    public func describeTopic(_ name: String, timeout: Duration = .seconds(10)) async throws -> KafkaTopicDescription {
        try await client.runBlocking { handle throws(KafkaError) in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            // All topics, so asking never auto-creates the topic.
            try KafkaError.check(rd_kafka_metadata(handle, 1, nil, &metadata, timeout.timeoutMilliseconds), "describe topic \(name)")
            guard let metadata else { throw KafkaError(code: .unknownTopicOrPartition, message: "no metadata for topic \(name)") }
            defer { rd_kafka_metadata_destroy(metadata) }
            for index in 0..<Int(metadata.pointee.topic_cnt) {
                let topic = metadata.pointee.topics[index]
                guard String(cString: topic.topic) == name else { continue }
                try KafkaError.check(topic.err, "describe topic \(name)")
                return KafkaTopicDescription(name: name, partitionCount: Int(topic.partition_cnt))
            }
            throw KafkaError(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, context: "describe topic \(name)")
        }
    }

    /// The topic's configuration as the broker reports it: its overrides and the defaults in
    /// effect (e.g. `max.message.bytes`). Throws when the topic does not exist or the broker does
    /// not answer DescribeConfigs.
    public func describeTopicConfiguration(_ name: String, timeout: Duration = .seconds(10)) async throws -> [String: String] {
        try await client.runBlocking { handle throws(KafkaError) in
            guard let resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, name) else {
                throw KafkaError(code: .invalidArgument, message: "topic \(name): no configuration resource")
            }
            defer { rd_kafka_ConfigResource_destroy(resource) }
            var resources: [OpaquePointer?] = [resource]
            let operation = "describe the configuration of topic \(name)"
            return try Self.exchange(handle, timeout: timeout, operation: operation) { queue, options in
                rd_kafka_DescribeConfigs(handle, &resources, 1, options, queue)
            } read: { event throws(KafkaError) in
                var count = 0
                guard let result = rd_kafka_event_DescribeConfigs_result(event),
                    let described = rd_kafka_DescribeConfigs_result_resources(result, &count), count > 0, let topic = described[0]
                else { throw KafkaError(code: .state, message: "\(operation): no result") }
                let error = rd_kafka_ConfigResource_error(topic)
                guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    throw KafkaError(error, context: operation, detail: rd_kafka_ConfigResource_error_string(topic).map { String(cString: $0) })
                }
                var entryCount = 0
                guard let entries = rd_kafka_ConfigResource_configs(topic, &entryCount) else { return [:] }
                var configuration: [String: String] = [:]
                for index in 0..<entryCount {
                    guard let entry = entries[index], let entryName = rd_kafka_ConfigEntry_name(entry) else { continue }
                    configuration[String(cString: entryName)] = rd_kafka_ConfigEntry_value(entry).map { String(cString: $0) }
                }
                return configuration
            }
        }
    }

    /// Sends one admin request and checks its per-topic results.
    private static func request(
        _ handle: OpaquePointer, timeout: Duration, operation: String,
        send: (OpaquePointer, OpaquePointer?) -> Void,
        results: (OpaquePointer) -> [OpaquePointer]
    ) throws(KafkaError) {
        try exchange(handle, timeout: timeout, operation: operation, send: send) { event throws(KafkaError) in
            for result in results(event) {
                let error = rd_kafka_topic_result_error(result)
                let detail = rd_kafka_topic_result_error_string(result).map { String(cString: $0) }
                guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(error, context: operation, detail: detail) }
            }
        }
    }

    /// Sends one admin request on a queue of its own and reads its result event.
    private static func exchange<Answer>(
        _ handle: OpaquePointer, timeout: Duration, operation: String,
        send: (OpaquePointer, OpaquePointer?) -> Void,
        read: (OpaquePointer) throws(KafkaError) -> Answer
    ) throws(KafkaError) -> Answer {
        guard let queue = rd_kafka_queue_new(handle) else { throw KafkaError(code: .state, message: "\(operation): no queue") }
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_ANY)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorText = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeout.timeoutMilliseconds, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeout.timeoutMilliseconds, &errorText, errorText.count)
        send(queue, options)
        guard let event = rd_kafka_queue_poll(queue, timeout.timeoutMilliseconds + 5000) else {
            throw KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, context: operation)
        }
        defer { rd_kafka_event_destroy(event) }
        try KafkaError.check(rd_kafka_event_error(event), operation)
        return try read(event)
    }
}
