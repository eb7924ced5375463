import Kafka
import Logging

extension ProcessingEngine {
    /// Runs a record, then in the same task whatever record the scheduler starts in its slot. Each
    /// record is let go once it finished: `first` is consumed, so it does not stay for the slot's life.
    func execute(_ first: consuming Dispatch<Source.Record>) async {
        var next: Dispatch<Source.Record>? = consume first
        while let dispatch = next {
            let completed = await handle(dispatch)
            var action = state.withLock { $0.onFinished(dispatch, completed: completed) }
            next = action.start
            action.start = nil
            await perform(action)
        }
    }

    /// Calls the handler until it returns and its outputs are delivered, backing off after each
    /// failure. Gives up (returns false) when the task is cancelled or the record's partition is
    /// revoked or the engine shuts down.
    private func handle(_ dispatch: Dispatch<Source.Record>) async -> Bool {
        let partition = dispatch.record.topicPartition
        var failures = 0
        while !Task.isCancelled, state.withLock({ $0.isCurrent(dispatch) }) {
            let start = ContinuousClock.now
            do {
                let outputs = try await handler.handle(dispatch.record)
                if !outputs.isEmpty { try await source.deliver(outputs, for: dispatch.record) }
                metrics.recordHandlerLatency(ContinuousClock.now - start, partition: partition, succeeded: true)
                return true
            } catch {
                metrics.recordHandlerLatency(ContinuousClock.now - start, partition: partition, succeeded: false)
                failures += 1
                var metadata: Logger.Metadata = [
                    ProcessingLoggingKeys.partition: "\(partition)",
                    ProcessingLoggingKeys.offset: "\(dispatch.record.offset)",
                    ProcessingLoggingKeys.attempt: "\(failures)",
                    ProcessingLoggingKeys.errorType: "\(type(of: error))",
                ]
                // Which Kafka failure (a topic that does not exist, a record over its size limit) is what an operator acts on.
                if let kafkaError = error as? KafkaError { metadata[ProcessingLoggingKeys.kafkaError] = "\(kafkaError.code): \(kafkaError.message)" }
                logger.warning("Handler failed; the record will be tried again and its key waits", metadata: metadata)
                do {
                    try await Task.sleep(for: configuration.retryBackoff.ceiling(afterFailures: failures))
                } catch {
                    return false
                }
            }
        }
        return false
    }
}
