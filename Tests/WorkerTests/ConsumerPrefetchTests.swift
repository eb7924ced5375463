@testable import Kafka
import Testing
@testable import Worker
import WorkerSettings

@Suite("Consumer prefetch sized by the limits")
struct ConsumerPrefetchTests {
    @Test("at the defaults the prefetch is a quarter of MAX_IN_FLIGHT_BYTES, split between librdkafka and the event buffer")
    func defaults() {
        let prefetch = ConsumerPrefetch(maxInFlightBytes: 256 << 20, maxEventBytes: 16 << 20, partitions: 6)
        #expect(prefetch.budget == 64 << 20)
        #expect(prefetch.queuedMaxMessagesKBytes == 16 << 10, "16 MiB, down from librdkafka's 64 MiB")
        #expect(prefetch.fetchMaxBytes == 16 << 20)
        #expect(prefetch.bufferHighWatermarkBytes == 32 << 20 && prefetch.bufferLowWatermarkBytes == 8 << 20)
        #expect(prefetch.maxPartitionFetchBytes == 16 << 20, "one event of MAX_EVENT_BYTES gets through")
        let held = prefetch.queuedMaxMessagesKBytes * 1024 + prefetch.fetchMaxBytes + prefetch.bufferHighWatermarkBytes
        #expect(held <= prefetch.budget, "librdkafka's queue, one fetch overshooting it and the buffer stay within the budget")
    }

    @Test("the prefetch never drops below one event of MAX_EVENT_BYTES")
    func atLeastOneEvent() {
        let prefetch = ConsumerPrefetch(maxInFlightBytes: 8 << 20, maxEventBytes: 4 << 20, partitions: 3)
        #expect(prefetch.budget == 4 << 20)
        #expect(prefetch.fetchMaxBytes == 1 << 20)
        #expect(prefetch.maxPartitionFetchBytes == 1 << 20, "capped by the fetch; the broker still returns a larger first record")
    }

    @Test("partitions share a fetch once it holds more than one largest event per partition")
    func partitionShare() {
        let prefetch = ConsumerPrefetch(maxInFlightBytes: 1 << 30, maxEventBytes: 1 << 20, partitions: 16)
        #expect(prefetch.fetchMaxBytes == 64 << 20)
        #expect(prefetch.maxPartitionFetchBytes == 4 << 20)
        let few = ConsumerPrefetch(maxInFlightBytes: 1 << 30, maxEventBytes: 1 << 20, partitions: 0)
        #expect(few.maxPartitionFetchBytes == 64 << 20, "no known partitions counts as one")
    }

    @Test("librdkafka's constraints hold: fetch.max.bytes >= message.max.bytes, receive.message.max.bytes >= fetch.max.bytes + 512")
    func librdkafkaConstraints() {
        for inFlight in [1 << 20, 64 << 20, 1 << 30, 1 << 40] {
            for event in [1024, 1 << 20, 16 << 20, 1 << 30] {
                let prefetch = ConsumerPrefetch(maxInFlightBytes: inFlight, maxEventBytes: event, partitions: 6)
                #expect(prefetch.fetchMaxBytes >= 1_000_000)
                #expect(prefetch.receiveMessageMaxBytes >= prefetch.fetchMaxBytes + 512)
                #expect(prefetch.maxPartitionFetchBytes <= prefetch.fetchMaxBytes)
                #expect(prefetch.queuedMaxMessagesKBytes <= 2_097_151 && prefetch.receiveMessageMaxBytes <= Int(Int32.max))
                #expect(prefetch.bufferLowWatermarkBytes < prefetch.bufferHighWatermarkBytes)
            }
        }
    }

    @Test("applied to the consumer, the values reach librdkafka's properties unless KAFKA_PROPERTY_* names them")
    func appliedAndOverridden() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "b:9092", groupID: "g")
        configuration.additionalProperties = ["queued.max.messages.kbytes": "1024"]
        let prefetch = ConsumerPrefetch(maxInFlightBytes: 256 << 20, maxEventBytes: 16 << 20, partitions: 6)
        prefetch.apply(to: &configuration)
        #expect(configuration.eventBuffer.highWatermarkBytes == 32 << 20)
        #expect(configuration.fetchMaxBytes == prefetch.fetchMaxBytes)
        #expect(configuration.maxPartitionFetchBytes == prefetch.maxPartitionFetchBytes)
        #expect(configuration.receiveMessageMaxBytes == prefetch.receiveMessageMaxBytes)
        #expect(configuration.queuedMaxMessagesKBytes == prefetch.queuedMaxMessagesKBytes)
        #expect(configuration.properties["queued.max.messages.kbytes"] == "1024", "KAFKA_PROPERTY_QUEUED_MAX_MESSAGES_KBYTES wins")
        #expect(configuration.properties["fetch.max.bytes"] == String(prefetch.fetchMaxBytes))
    }
}
