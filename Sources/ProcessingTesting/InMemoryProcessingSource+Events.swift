import Processing

extension InMemoryProcessingSource {
    /// The source's events; iterate once. Iteration ends when the source closes or the task is cancelled.
    public struct Events: AsyncSequence, Sendable {
        public typealias Element = ProcessingEvent<InMemoryRecord>
        public typealias Failure = any Error

        let source: InMemoryProcessingSource

        public func makeAsyncIterator() -> Iterator {
            Iterator(source: source)
        }

        public struct Iterator: AsyncIteratorProtocol {
            let source: InMemoryProcessingSource

            public mutating func next() async throws -> ProcessingEvent<InMemoryRecord>? {
                if Task.isCancelled { return nil }
                let source = self.source
                let ready = source.state.withLock { InMemoryProcessingSource.takeEvent(&$0) }
                if let ready { return ready }
                return await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<ProcessingEvent<InMemoryRecord>?, Never>) in
                        let immediate = source.state.withLock { state -> ProcessingEvent<InMemoryRecord>?? in
                            if state.closed || Task.isCancelled { return .some(nil) }
                            if let event = InMemoryProcessingSource.takeEvent(&state) { return .some(event) }
                            precondition(state.waiter == nil, "InMemoryProcessingSource events iterated twice")
                            state.waiter = continuation
                            return .none
                        }
                        if let immediate { continuation.resume(returning: immediate) }
                    }
                } onCancel: {
                    let waiter = source.state.withLock { state in
                        defer { state.waiter = nil }
                        return state.waiter
                    }
                    waiter?.resume(returning: nil)
                }
            }
        }
    }
}
