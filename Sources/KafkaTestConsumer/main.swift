// A consumer-group member for the Kafka tests: joins GROUP on TOPIC and reports its events on stdout,
// one line each ("assigned T/P,...", "revoked T/P,...", "record T/P@OFFSET"), committing every record.
// The tests SIGKILL it to prove that the surviving member takes its partitions over.
// Usage: KafkaTestConsumer BOOTSTRAP_SERVERS TOPIC GROUP
import Foundation
import Kafka
import Logging

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: KafkaTestConsumer BOOTSTRAP_SERVERS TOPIC GROUP\n".utf8))
    exit(2)
}

func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

var logger = Logger(label: "kafka-test-consumer")
logger.logLevel = .warning
var configuration = KafkaConsumerConfiguration(bootstrapServers: arguments[1], groupID: arguments[3])
configuration.sessionTimeout = .seconds(6)
configuration.heartbeatInterval = .seconds(1)

let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
try consumer.subscribe(topics: [arguments[2]])
for try await event in consumer.events {
    switch event {
    case .assigned(let partitions):
        report("assigned " + partitions.map(\.description).sorted().joined(separator: ","))
    case .revoked(let revocation):
        report("revoked " + revocation.partitions.map(\.description).sorted().joined(separator: ","))
        revocation.acknowledge()
    case .record(let record):
        try await consumer.commit([record.topicPartition: record.offset + 1])
        report("record \(record.topicPartition)@\(record.offset)")
    }
}
