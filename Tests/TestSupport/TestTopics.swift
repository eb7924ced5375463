import Kafka
import Logging

/// Creates test topics on whichever Kafka implementation the suites run on: through the admin API on
/// tansu (or any real broker), through the control port on librdkafka's mock cluster.
public enum TestTopics {
    /// `config` (topic settings such as `max.message.bytes`) goes through the admin API only; the
    /// mock cluster's control port takes none.
    public static func create(_ name: String, partitions: Int, servers: String, config: [String: String] = [:]) async throws {
        if let mock = MockBroker.at(servers) {
            try mock.createTopic(name, partitions: partitions)
            return
        }
        let admin = try KafkaAdmin(bootstrapServers: servers, logger: Logger(label: "test-topics"))
        try await admin.createTopic(name, partitions: partitions, config: config)
    }
}
