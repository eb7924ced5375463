import Kafka
import Logging
import ServiceLifecycle
import Testing
import TestSupport
@testable import Worker

/// A producer that failed fatally delivers nothing more: the worker stops (and restarts from its
/// committed offsets) instead of retrying every capture in place while it looks healthy.
@Suite("Operating: a producer that fails fatally", .timeLimit(.minutes(2)))
struct ProducerFatalErrorTests {
    @Test("after librdkafka's fatal error, sends fail as fatal and the producer's service stops the group with that error")
    func fatalErrorStopsTheWorker() async throws {
        let logger = Logger(label: "producer-fatal")
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: try TestEnvironment.kafkaBootstrapServers()), logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [ProducerFlushService(producer: producer, checkInterval: .milliseconds(100), logger: logger)], logger: logger))
        #expect(producer.fatalError == nil)

        async let stopped: (any Error)? = { () async -> (any Error)? in
            do {
                try await group.run()
                return nil
            } catch {
                return error
            }
        }()
        producer.raiseFatalErrorForTesting("a sequence gap the test made up")
        let error = await stopped
        let fatal = try #require(error as? KafkaError, "the group stopped with \(String(describing: error))")
        #expect(fatal.isFatal)
        #expect(producer.fatalError?.isFatal == true)
        await #expect(throws: KafkaError.self) {
            _ = try await producer.send(KafkaOutgoingRecord(topic: "any", key: nil, value: Array("x".utf8)))
        }
    }
}
