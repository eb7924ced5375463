import CRdKafka

/// librdkafka's mock cluster, owned by a producer handle that exists only to own it.
///
/// The cluster runs on librdkafka's own threads; every method here is a thread-safe librdkafka call.
final class MockCluster: @unchecked Sendable {  // the pointers are only passed to librdkafka's thread-safe mock API
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let owner: OpaquePointer
    private var cluster: OpaquePointer?
    let brokers: Int32
    let bootstrapServers: String

    init(brokers: Int32) throws {
        let conf = rd_kafka_conf_new()
        var errorText = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_conf_set(conf, "log_level", "3", &errorText, errorText.count)
        guard let owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText, errorText.count) else {
            throw Failure(description: "could not create the owner handle: \(String(cString: errorText))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(owner, brokers) else {
            rd_kafka_destroy(owner)
            throw Failure(description: "rd_kafka_mock_cluster_new failed")
        }
        self.owner = owner
        self.cluster = cluster
        self.brokers = brokers
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        // Apache Kafka's default delay (3 s) only slows tests down; tansu has none either.
        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0)
    }

    func destroy() {
        guard let cluster else { return }
        rd_kafka_mock_cluster_destroy(cluster)
        self.cluster = nil
        rd_kafka_destroy(owner)
    }

    private func checked(_ error: rd_kafka_resp_err_t, _ operation: String) throws {
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw Failure(description: "\(operation): \(String(cString: rd_kafka_err2str(error)))")
        }
    }

    private var handle: OpaquePointer {
        get throws {
            guard let cluster else { throw Failure(description: "the cluster is stopped") }
            return cluster
        }
    }

    func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32) throws {
        try checked(rd_kafka_mock_topic_create(handle, name, partitions, min(replicationFactor, brokers)), "create topic \(name)")
    }

    /// The next requests of `apiKey` fail with `errors`, one each, in order.
    func pushRequestErrors(apiKey: Int16, _ errors: [rd_kafka_resp_err_t]) throws {
        let cluster = try handle
        errors.withUnsafeBufferPointer { rd_kafka_mock_push_request_errors_array(cluster, apiKey, errors.count, $0.baseAddress) }
    }

    /// Drops the errors still queued for `apiKey`.
    func clearRequestErrors(apiKey: Int16) throws {
        rd_kafka_mock_clear_request_errors(try handle, apiKey)
    }

    func setBroker(_ broker: Int32, up: Bool) throws {
        try checked(up ? rd_kafka_mock_broker_set_up(handle, broker) : rd_kafka_mock_broker_set_down(handle, broker), "broker \(broker) \(up ? "up" : "down")")
    }

    func setRoundTripTime(broker: Int32, milliseconds: Int32) throws {
        try checked(rd_kafka_mock_broker_set_rtt(handle, broker, milliseconds), "rtt of broker \(broker)")
    }

    /// Moves the coordinator of `key` (a group id or transactional id) to `broker`.
    func setCoordinator(type: String, key: String, broker: Int32) throws {
        try checked(rd_kafka_mock_coordinator_set(handle, type, key, broker), "coordinator of \(type) \(key)")
    }
}
