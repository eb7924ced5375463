import Testing
import WorkerSettings

/// A dead letter carries its capture's bytes whenever the dead-letter topic takes them.
@Suite("Dead-letter value limit")
struct DeadLetterLimitTests {
    @Test("the setting wins; else the topic's max.message.bytes less the headroom, within the producer's; else the fallback")
    func limit() {
        #expect(DeadLetterLimit.valueBytes(configured: 5, topicMaxMessageBytes: 8 << 20, producerMaxMessageBytes: 17 << 20) == 5)
        #expect(DeadLetterLimit.valueBytes(configured: nil, topicMaxMessageBytes: 8 << 20, producerMaxMessageBytes: 17 << 20) == (8 << 20) - DeadLetterLimit.headroomBytes)
        #expect(DeadLetterLimit.valueBytes(configured: nil, topicMaxMessageBytes: 64 << 20, producerMaxMessageBytes: 17 << 20) == (17 << 20) - DeadLetterLimit.headroomBytes)
        #expect(DeadLetterLimit.valueBytes(configured: nil, topicMaxMessageBytes: nil, producerMaxMessageBytes: 17 << 20) == DeadLetterLimit.fallbackValueBytes)
        #expect(DeadLetterLimit.valueBytes(configured: nil, topicMaxMessageBytes: 100, producerMaxMessageBytes: 17 << 20) == DeadLetterLimit.fallbackValueBytes)
    }
}
