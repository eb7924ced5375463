import CRdKafka
import Foundation
@testable import Kafka
import Logging
import Testing

@Suite("Kafka configuration and errors")
struct KafkaConfigurationTests {
    @Test("the consumer never auto-commits or auto-stores, even when asked to through additionalProperties")
    func consumerCommitsOnlyExplicitly() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "b:9092", groupID: "g")
        configuration.additionalProperties = ["enable.auto.commit": "true", "enable.auto.offset.store": "true", "security.protocol": "SASL_SSL"]
        configuration.sessionTimeout = .seconds(6)
        configuration.rebalanceProtocol = .eagerRange
        let properties = configuration.properties
        #expect(properties["enable.auto.commit"] == "false")
        #expect(properties["enable.auto.offset.store"] == "false")
        #expect(properties["security.protocol"] == "SASL_SSL")
        #expect(properties["session.timeout.ms"] == "6000")
        #expect(properties["partition.assignment.strategy"] == "range")
        #expect(properties["group.id"] == "g")
    }

    @Test("the prefetch settings reach librdkafka, and an additional property still wins")
    func prefetchProperties() {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: "b:9092", groupID: "g")
        #expect(configuration.properties["queued.max.messages.kbytes"] == "65536", "librdkafka's default")
        configuration.queuedMaxMessagesKBytes = 4096
        configuration.fetchMaxBytes = 2_000_000
        configuration.maxPartitionFetchBytes = 500_000
        configuration.additionalProperties = ["fetch.max.bytes": "3000000"]
        let properties = configuration.properties
        #expect(properties["queued.max.messages.kbytes"] == "4096")
        #expect(properties["max.partition.fetch.bytes"] == "500000")
        #expect(properties["fetch.max.bytes"] == "3000000")
    }

    @Test("the producer is idempotent with acks=all by default and caps message.timeout.ms for transactions")
    func producerDefaults() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "b:9092")
        #expect(configuration.properties["enable.idempotence"] == "true")
        #expect(configuration.properties["acks"] == "all")
        configuration.transactionalID = "tx"
        configuration.transactionTimeout = .seconds(60)
        #expect(configuration.properties["transactional.id"] == "tx")
        #expect(configuration.properties["message.timeout.ms"] == "60000")
    }

    @Test("an unknown librdkafka property fails with a configuration error naming the key but not the value")
    func unknownPropertyIsRejected() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: "b:9092")
        configuration.additionalProperties = ["no.such.property": "secret-value"]
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaProducer(configuration: configuration, logger: Logger(label: "test"))
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("no.such.property") == true)
        #expect(error?.message.contains("secret-value") == false)
    }

    @Test("librdkafka errors map to bounded codes with retryable and fatal flags")
    func errorMapping() {
        let timeout = KafkaError(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, context: "delivery")
        #expect(timeout.code == .messageTimedOut && timeout.code.description == "_MSG_TIMED_OUT")
        #expect(timeout.isRetryable && !timeout.isFatal)
        let coordinator = KafkaError(RD_KAFKA_RESP_ERR_NOT_COORDINATOR, context: "commit")
        #expect(coordinator.code == .notCoordinator && coordinator.isRetryable)
        let tooLarge = KafkaError(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, context: "produce")
        #expect(!tooLarge.isRetryable)
        let fatal = KafkaError(RD_KAFKA_RESP_ERR__FATAL, context: "produce")
        #expect(fatal.isFatal)
        #expect(!KafkaError.Code.closed.description.contains(" "), "codes are label-safe")
    }

    @Test("the linked librdkafka passes the runtime version check")
    func versionCheck() throws {
        try LibrdkafkaVersion.requireSupported()
        #expect(LibrdkafkaVersion.number >= LibrdkafkaVersion.minimum)
    }
}

@Suite("Consumer buffer and flow control")
struct ConsumerFlowStateTests {
    let p0 = KafkaTopicPartition(topic: "t", partition: 0)
    let p1 = KafkaTopicPartition(topic: "t", partition: 1)

    func record(_ partition: KafkaTopicPartition, _ offset: Int64) -> KafkaRecord {
        KafkaRecord(topic: partition.topic, partition: partition.partition, offset: offset, key: nil, value: [])
    }

    func drainOne(_ state: inout ConsumerFlowState) -> (event: KafkaConsumerEvent?, resumeFetching: Bool) {
        let (next, resumeFetching) = state.next(waiter: nil)
        if case .event(let event) = next { return (event, resumeFetching) }
        return (nil, resumeFetching)
    }

    @Test("the poll thread may take records up to the high watermark, then none until the buffer drains to the low watermark")
    func backPressure() {
        var state = ConsumerFlowState(highWatermark: 4, lowWatermark: 1)
        _ = state.assigned([p0, p1])
        _ = drainOne(&state)  // the assigned event
        #expect(state.room == 4)
        _ = state.receive([record(p0, 0), record(p1, 0), record(p0, 1)])
        #expect(state.room == 1)
        _ = state.receive([record(p0, 2)])
        #expect(state.internallyPaused && state.room == 0, "fetching pauses at the high watermark")

        #expect(drainOne(&state).resumeFetching == false)
        #expect(drainOne(&state).resumeFetching == false)
        #expect(state.room == 0, "still paused above the low watermark")
        let third = drainOne(&state)
        #expect(third.resumeFetching, "the buffer reached the low watermark: fetching resumes")
        #expect(!state.internallyPaused && state.room == 3)
        if case .record(let record) = third.event { #expect(record.offset == 1) } else { Issue.record("expected a record") }
    }

    func record(_ partition: KafkaTopicPartition, _ offset: Int64, bytes: Int) -> KafkaRecord {
        KafkaRecord(topic: partition.topic, partition: partition.partition, offset: offset, key: nil, value: [UInt8](repeating: 0, count: bytes))
    }

    @Test("the buffer is bounded by bytes too: fetching pauses at the byte high watermark and resumes at or below both low watermarks")
    func byteBackPressure() {
        var state = ConsumerFlowState(highWatermark: 100, lowWatermark: 10, highWatermarkBytes: 1000, lowWatermarkBytes: 300)
        _ = state.assigned([p0])
        _ = drainOne(&state)
        #expect(state.room == 100 && state.byteRoom == 1000)
        _ = state.receive([record(p0, 0, bytes: 400), record(p0, 1, bytes: 400)])
        #expect(!state.internallyPaused && state.byteRoom == 200, "two records, 800 bytes: below both high watermarks")
        _ = state.receive([record(p0, 2, bytes: 400)])
        #expect(state.internallyPaused && state.room == 0 && state.byteRoom == 0, "1,200 bytes: the record that crossed the bound is kept, fetching pauses")
        #expect(state.bufferedBytes == 1200)

        #expect(drainOne(&state).resumeFetching == false, "800 bytes left: above the byte low watermark, though 2 records are below the record one")
        #expect(drainOne(&state).resumeFetching == false, "400 bytes left")
        #expect(drainOne(&state).resumeFetching, "empty: fetching resumes")
        #expect(state.bufferedBytes == 0 && state.byteRoom == 1000)
    }

    @Test("byte counts follow records dropped by pauses and revokes")
    func byteCountsFollowPurges() {
        var state = ConsumerFlowState(highWatermark: 100, lowWatermark: 10, highWatermarkBytes: 1000, lowWatermarkBytes: 300)
        _ = state.assigned([p0, p1])
        _ = drainOne(&state)
        _ = state.receive([record(p0, 0, bytes: 500), record(p1, 0, bytes: 600)])
        #expect(state.internallyPaused)
        _ = state.pause([p1])
        #expect(state.bufferedBytes == 500 && state.bufferedRecords == 1)
        _ = state.revoked(KafkaRevocation(partitions: [p0], isLost: false))
        #expect(state.bufferedBytes == 0)
        #expect(state.next(waiter: nil).resumeFetching, "nothing left to drain: fetching restarts")
    }

    @Test("a buffer without byte watermarks is bounded by records only; the byte low watermark defaults to a quarter")
    func byteWatermarkDefaults() {
        var buffer = KafkaConsumerConfiguration.EventBuffer()
        var state = ConsumerFlowState(buffer)
        _ = state.assigned([p0])
        _ = drainOne(&state)
        _ = state.receive([record(p0, 0, bytes: 10 << 20)])
        #expect(!state.internallyPaused && state.byteRoom > 1 << 40)
        buffer.highWatermarkBytes = 4096
        let bounded = ConsumerFlowState(buffer)
        #expect(bounded.highWatermarkBytes == 4096 && bounded.lowWatermarkBytes == 1024)
    }

    @Test("records purged by an application pause while fetching is internally paused restart fetching once the buffer is empty")
    func purgeWhileInternallyPausedResumes() {
        var state = ConsumerFlowState(highWatermark: 2, lowWatermark: 1)
        _ = state.assigned([p0])
        _ = drainOne(&state)
        _ = state.receive([record(p0, 0), record(p0, 1)])
        #expect(state.internallyPaused)
        _ = state.pause([p0])
        #expect(state.bufferedRecords == 0)
        let waited = state.next(waiter: nil)
        #expect(waited.resumeFetching, "nothing else would ever wake the poll thread")
        #expect(!state.internallyPaused)
    }

    @Test("an application pause withholds buffered and in-flight records and rewinds the partition on resume")
    func applicationPause() {
        var state = ConsumerFlowState(highWatermark: 10, lowWatermark: 2)
        _ = state.assigned([p0, p1])
        _ = drainOne(&state)
        _ = state.receive([record(p0, 5), record(p1, 0), record(p0, 6)])
        let pause = state.pause([p0])
        #expect(pause.pause == [p0])
        #expect(state.bufferedRecords == 1 && state.rewind[p0] == 5)
        _ = state.receive([record(p0, 7)])
        #expect(state.bufferedRecords == 1 && state.rewind[p0] == 5, "records still in flight for a paused partition are dropped")
        if case .record(let delivered) = drainOne(&state).event { #expect(delivered.topicPartition == p1) } else { Issue.record("expected a record") }
        let resume = state.resume([p0])
        #expect(resume.resume == [p0] && resume.seek == [p0: 5], "the partition restarts at its first undelivered record")
        #expect(state.rewind.isEmpty)
    }

    @Test("a revoke drops the revoked partitions' records and forgets their pause and rewind")
    func revokePurges() {
        var state = ConsumerFlowState(highWatermark: 10, lowWatermark: 2)
        _ = state.assigned([p0, p1])
        _ = drainOne(&state)
        _ = state.receive([record(p0, 0), record(p1, 0)])
        _ = state.pause([p1])
        let (wasPaused, _) = state.revoked(KafkaRevocation(partitions: [p0, p1], isLost: false))
        #expect(wasPaused == [p1])
        #expect(state.bufferedRecords == 0 && state.assignment.isEmpty && state.rewind.isEmpty && state.applicationPaused.isEmpty)
        if case .revoked(let revocation) = drainOne(&state).0 { #expect(revocation.partitions == [p0, p1]) } else { Issue.record("expected the revocation") }
        _ = state.receive([record(p0, 1)])
        #expect(state.bufferedRecords == 0, "records of unassigned partitions are dropped")
    }

    @Test("a revocation is acknowledged once and a wait ends at its deadline")
    func revocationAcknowledgement() {
        let late = KafkaRevocation(partitions: [p0], isLost: false)
        #expect(!late.waitForAcknowledgement(deadline: .milliseconds(10)))
        let revocation = KafkaRevocation(partitions: [p0], isLost: false)
        revocation.acknowledge()
        revocation.acknowledge()
        #expect(revocation.isAcknowledged)
        #expect(revocation.waitForAcknowledgement(deadline: .seconds(5)))
    }
}
