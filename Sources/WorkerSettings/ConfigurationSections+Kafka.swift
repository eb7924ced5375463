import Foundation
import Resilience
import VlensAPI
import Workflow

extension WorkerConfiguration.Kafka {
    /// `KAFKA_*` and the topics; nil (with the problem reported) without `KAFKA_BOOTSTRAP_SERVERS`.
    init?(reading source: inout ConfigSource) {
        guard let servers = source.raw("KAFKA_BOOTSTRAP_SERVERS") else {
            source.report("KAFKA_BOOTSTRAP_SERVERS", "is not set", fix: "set it to the broker list, e.g. kafka-1:9092,kafka-2:9092")
            return nil
        }
        self.init(bootstrapServers: servers)
        self.groupID = source.string("KAFKA_GROUP_ID", default: self.groupID)
        self.captureTopic = source.string("CAPTURE_TOPIC", default: self.captureTopic)
        self.resultTopic = source.string("RESULT_TOPIC", default: self.resultTopic)
        self.statusTopic = source.string("STATUS_TOPIC", default: self.statusTopic)
        let v1Topic = source.string("RESULT_V1_TOPIC", default: "")
        self.resultV1Topic = v1Topic.isEmpty ? nil : v1Topic
        self.deadLetterTopic = source.string("DEAD_LETTER_TOPIC", default: self.deadLetterTopic)
        let topics = [
            ("CAPTURE_TOPIC", self.captureTopic), ("RESULT_TOPIC", self.resultTopic), ("STATUS_TOPIC", self.statusTopic),
            ("DEAD_LETTER_TOPIC", self.deadLetterTopic),
        ] + (self.resultV1Topic.map { [("RESULT_V1_TOPIC", $0)] } ?? [])
        for (index, (key, topic)) in topics.enumerated() {
            guard let earlier = topics[..<index].first(where: { $0.1 == topic }) else { continue }
            source.report(
                key, "names the same topic as \(earlier.0)",
                fix: "give the capture, result, status, v1 result and dead-letter topics distinct names")
        }
        self.exactlyOnce = source.bool("KAFKA_EXACTLY_ONCE", default: self.exactlyOnce)
        self.sessionTimeout = source.milliseconds("KAFKA_SESSION_TIMEOUT_MS", default: self.sessionTimeout, range: 6000...300_000)
        self.unownedPartitionAlert = source.milliseconds("UNOWNED_PARTITION_ALERT_MS", default: self.unownedPartitionAlert, range: 5000...86_400_000)
        for (name, value) in source.variables(withPrefix: "KAFKA_PROPERTY_") {
            let property = name.dropFirst("KAFKA_PROPERTY_".count).lowercased().replacingOccurrences(of: "_", with: ".")
            if property == "sasl.password" {
                source.report(name, "would put a secret in a plain property", fix: "use KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE")
                continue
            }
            self.properties[property] = value
        }
        if let password = source.secret("KAFKA_SASL_PASSWORD") {
            self.properties["sasl.password"] = password
        }
    }
}
