import Kafka
import Logging

/// Creates a topic and fills it with `keys × sequences` records: key `key<k>`, value `<sequence>`,
/// sequences 1... in order per key (so each key's records are in order in their partition).
enum TopicLoader {
    static func load(
        bootstrapServers: String, topic: String, partitions: Int, keys: Int, sequences: Int, valuePadding: Int = 0,
        logger: Logger
    ) async throws {
        let admin = try KafkaAdmin(bootstrapServers: bootstrapServers, logger: logger)
        try await admin.createTopic(topic, partitions: partitions)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers), logger: logger)
        let padding = String(repeating: " ", count: valuePadding)
        for sequence in 1...sequences {
            // All keys of one sequence at once; the next sequence only after these are acknowledged.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for key in 0..<keys {
                    let record = KafkaOutgoingRecord(
                        topic: topic, key: Array("key\(key)".utf8), value: Array("\(sequence)\(padding)".utf8))
                    group.addTask { _ = try await producer.send(record) }
                    if key % 500 == 499 { try await group.waitForAll() }
                }
                try await group.waitForAll()
            }
        }
        try await producer.flush(timeout: .seconds(30))
    }
}
