import Kafka
import TestSupport
import Testing

/// The admin client reads a topic's configuration as the broker reports it (DescribeConfigs): the
/// worker sizes its dead letters by the dead-letter topic's `max.message.bytes`.
@Suite("Kafka admin: topic configuration", .timeLimit(.minutes(1)))
struct KafkaAdminConfigurationTests {
    @Test("a topic created with max.message.bytes reports it; an unknown topic reports no limit")
    func describesTopicConfiguration() async throws {
        let servers = try TestEnvironment.kafkaBootstrapServers()
        let admin = try KafkaAdmin(bootstrapServers: servers, logger: KafkaTest.logger)
        let topic = TestEnvironment.uniqueName("configured")
        try await admin.createTopic(topic, partitions: 1, config: ["max.message.bytes": "2097152"])
        let configuration = try await admin.describeTopicConfiguration(topic)
        #expect(configuration["max.message.bytes"] == "2097152")
        // Apache Kafka answers UNKNOWN_TOPIC_OR_PARTITION, tansu an empty list: either way no limit.
        let absent = try? await admin.describeTopicConfiguration(TestEnvironment.uniqueName("absent"))
        #expect(absent?["max.message.bytes"] == nil)
    }
}
