import Kafka

extension KafkaProcessingSource {
    /// The consumer's events as the engine sees them.
    public struct Events: AsyncSequence, Sendable {
        public typealias Element = ProcessingEvent<KafkaRecord>
        public typealias Failure = any Error

        let events: KafkaConsumerEvents

        public func makeAsyncIterator() -> Iterator {
            Iterator(base: events.makeAsyncIterator())
        }

        public struct Iterator: AsyncIteratorProtocol {
            var base: KafkaConsumerEvents.AsyncIterator

            public mutating func next() async throws -> ProcessingEvent<KafkaRecord>? {
                switch try await base.next() {
                case nil:
                    return nil
                case .record(let record):
                    return .record(record)
                case .assigned(let partitions):
                    return .assigned(partitions)
                case .revoked(let revocation):
                    return .revoked(ProcessingRevocation(partitions: revocation.partitions) { revocation.acknowledge() })
                }
            }
        }
    }
}
