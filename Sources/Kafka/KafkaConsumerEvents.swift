/// The ``KafkaConsumer``'s ordered stream of records and rebalance notifications.
///
/// Back-pressure is built in: the buffer behind it is bounded
/// (``KafkaConsumerConfiguration/EventBuffer``), and fetching pauses while the application lags.
public struct KafkaConsumerEvents: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerEvent

    let core: ConsumerCore

    public struct AsyncIterator: AsyncIteratorProtocol {
        let core: ConsumerCore

        /// The next event; `nil` after the consumer closed. Throws `CancellationError` when the task is cancelled.
        public mutating func next() async throws -> KafkaConsumerEvent? {
            try await core.nextEvent(isolation: nil)
        }

        /// The next event, taken on the caller's actor (no executor hop per event).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> KafkaConsumerEvent? {
            try await core.nextEvent(isolation: actor)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(core: core) }
}
