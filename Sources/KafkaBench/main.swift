// The wrapper's side of scripts/bench-kafka: the same work bench/kafka/rdkafka_bench.c does, through
// the Kafka module, with the same properties, against the same broker.
//   KafkaBench produce BROKERS TOPIC COUNT SIZE
//   KafkaBench consume BROKERS TOPIC COUNT GROUP
// Prints one line in rdkafka_bench's format.
import Foundation
import Kafka
import Logging

let arguments = CommandLine.arguments
guard arguments.count == 6, let count = Int(arguments[4]), ["produce", "consume"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: KafkaBench produce BROKERS TOPIC COUNT SIZE | consume BROKERS TOPIC COUNT GROUP\n".utf8))
    exit(2)
}
let (mode, brokers, topic) = (arguments[1], arguments[2], arguments[3])
var logger = Logger(label: "kafka-bench")
logger.logLevel = .warning

func report(_ mode: String, messages: Int, bytes: Int, since start: ContinuousClock.Instant) {
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(String(
        format: "%@ messages=%d seconds=%.3f messages_per_second=%.0f megabytes_per_second=%.1f",
        mode, messages, seconds, Double(messages) / seconds, Double(bytes) / seconds / 1e6
    ))
}

if mode == "produce" {
    let size = Int(arguments[5]) ?? 1024
    var configuration = KafkaProducerConfiguration(bootstrapServers: brokers)
    configuration.clientID = "kafka-bench"
    let producer = try KafkaProducer(configuration: configuration, logger: logger)
    let payload = (0..<size).map { UInt8(ascii: "a") + UInt8($0 % 26) }
    let keys = (0..<64).map { Array("key-\($0)".utf8) }
    let records = (0..<count).map { KafkaOutgoingRecord(topic: topic, key: keys[$0 % 64], value: payload) }
    let start = ContinuousClock.now
    let reports = try await producer.send(records)
    report("produce", messages: reports.count, bytes: reports.count * size, since: start)
} else {
    var configuration = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: arguments[5])
    configuration.clientID = "kafka-bench"
    configuration.sessionTimeout = .seconds(6)
    configuration.heartbeatInterval = .seconds(1)
    let consumer = try KafkaConsumer(configuration: configuration, logger: logger)
    try consumer.subscribe(topics: [topic])
    var received = 0
    var bytes = 0
    var start = ContinuousClock.now
    for try await event in consumer.events {
        guard case .record(let record) = event else { continue }
        if received == 0 { start = .now }
        received += 1
        bytes += record.value.count
        if received == count { break }
    }
    report("consume", messages: received, bytes: bytes, since: start)
    try await consumer.close()
}
