import CRdKafka
import Dispatch
import Foundation
import Logging
import Synchronization

/// The consumer's machinery: the librdkafka handle, the poll thread, the buffer toward the application
/// and the rebalance handling. ``KafkaConsumer`` is its public face.
final class ConsumerCore: Sendable {
    /// Where the consumer is in its life.
    private enum Lifecycle {
        case running
        case closing(waiters: [CheckedContinuation<KafkaError?, Never>])
        case closed(KafkaError?)
    }

    let client: RDKafkaClient
    let configuration: KafkaConsumerConfiguration
    /// Whether rebalances are incremental (cooperative-sticky); see ``isCooperative(_:)``.
    private let isCooperative: Bool
    /// The buffer and flow-control state. Its lock is held while the non-blocking pause, resume and
    /// seek calls it decides on are made, so those calls happen in the order the state changed.
    private let flow: Mutex<ConsumerFlowState>
    private let lifecycle = Mutex(Lifecycle.running)
    /// Records the poll thread has fetched but not yet handed to `flow`; only the poll thread touches it.
    private let pending = Mutex<[KafkaRecord]>([])
    /// Where librdkafka puts fetched messages: every assigned partition's queue is forwarded here, so
    /// the consumer queue carries only events (rebalances, logs, errors, statistics), which the poll
    /// thread serves even while it takes no messages.
    private let messages: RDKafkaQueue
    /// Signalled when the application drained the buffer to the low watermark.
    private let roomAvailable = DispatchSemaphore(value: 0)

    private var handle: OpaquePointer { client.handle }
    private var logger: Logger { client.logger }

    /// The most records the poll thread takes from librdkafka at once.
    private static let batchSize = 256
    /// How long the poll thread waits for messages (or buffer room) before it serves events again.
    private static let idleWait: Int32 = 50

    init(configuration: KafkaConsumerConfiguration, logger: Logger, statisticsHandler: (@Sendable (KafkaStatistics) -> Void)?) throws(KafkaError) {
        let buffer = configuration.eventBuffer
        guard buffer.highWatermark > 0, buffer.lowWatermark >= 0, buffer.lowWatermark < buffer.highWatermark else {
            throw KafkaError.configuration("eventBuffer needs 0 <= lowWatermark < highWatermark, got \(buffer.lowWatermark) and \(buffer.highWatermark)")
        }
        if let high = buffer.highWatermarkBytes {
            let low = buffer.lowWatermarkBytes ?? high / 4
            guard high > 0, low >= 0, low <= high else {
                throw KafkaError.configuration("eventBuffer needs 0 <= lowWatermarkBytes <= highWatermarkBytes, 0 < highWatermarkBytes, got \(low) and \(high)")
            }
        } else if buffer.lowWatermarkBytes != nil {
            throw KafkaError.configuration("eventBuffer.lowWatermarkBytes needs highWatermarkBytes")
        }
        guard !configuration.groupID.isEmpty else { throw KafkaError.configuration("groupID must not be empty") }
        var logger = logger
        logger[metadataKey: KafkaLoggingKeys.group] = "\(configuration.groupID)"
        self.configuration = configuration
        self.isCooperative = Self.isCooperative(configuration)
        self.flow = Mutex(ConsumerFlowState(buffer))
        self.client = try RDKafkaClient(
            type: RD_KAFKA_CONSUMER, properties: configuration.properties, logger: logger,
            statisticsHandler: statisticsHandler
        ) { conf in
            rd_kafka_conf_set_rebalance_cb(conf) { handle, error, partitions, _ in
                guard let callbacks = RDKafkaCallbacks.from(handle), let partitions else { return }
                callbacks.rebalanceHandler.withLock { $0 }?(error, RDKafkaTopicPartitionList(borrowing: partitions))
            }
        }
        // Route the main queue (logs, errors, statistics) to the consumer queue the poll thread serves.
        rd_kafka_poll_set_consumer(client.handle)
        messages = RDKafkaQueue(rd_kafka_queue_new(client.handle))
        // Unowned: the handler lives in `client`, which `self` owns; the poll thread keeps `self` alive.
        client.callbacks.rebalanceHandler.withLock { handler in
            handler = { [unowned self] error, partitions in self.rebalance(error, partitions) }
        }
        RDKafkaClient.startThread(name: "kafka-consumer") { self.pollLoop() }
    }

    // MARK: Poll thread

    private func pollLoop() {
        var batch = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: Self.batchSize)
        while !isClosing {
            serveEvents()
            let (room, byteRoom) = flow.withLock { ($0.room, $0.byteRoom) }
            guard room > 0, byteRoom > 0 else {
                // Fetching is paused internally: take nothing until the application drains the buffer.
                _ = roomAvailable.wait(timeout: .now() + .milliseconds(Int(Self.idleWait)))
                continue
            }
            guard let first = rd_kafka_consume_queue(messages.pointer, Self.idleWait) else {
                checkFatal()
                continue
            }
            // The byte bound holds to within one batch: records' sizes are known only once taken.
            take(first)
            let more = batch.withUnsafeMutableBufferPointer { buffer in
                rd_kafka_consume_batch_queue(messages.pointer, 0, buffer.baseAddress, min(room - 1, Self.batchSize))
            }
            for index in 0..<max(0, more) {
                if let message = batch[index] { take(message) }
            }
            flushPending()
        }
        closeOnPollThread()
    }

    /// Serves queued events (rebalance callbacks, logs, errors, statistics) without waiting.
    private func serveEvents() {
        // Messages only arrive here in the moment between an assignment and its queue forwarding.
        while let message = rd_kafka_consumer_poll(handle, 0) { take(message) }
        flushPending()
    }

    /// Converts and destroys one polled message; returns the record's ``KafkaRecord/byteCount`` (0 for an error).
    @discardableResult
    private func take(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> Int {
        defer { rd_kafka_message_destroy(message) }
        let error = message.pointee.err
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if error != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                logger.warning("consumer error", metadata: [KafkaLoggingKeys.error: "\(KafkaError.Code(error))"])
                checkFatal()
            }
            return 0
        }
        let record = KafkaRecord(message)
        pending.withLock { $0.append(record) }
        return record.byteCount
    }

    private func flushPending() {
        let records = pending.withLock { records in
            defer { records.removeAll(keepingCapacity: true) }
            return records
        }
        guard !records.isEmpty else { return }
        flow.withLock { $0.receive(records) }?.complete()
    }

    private func checkFatal() {
        guard let fatal = client.fatalError else { return }
        flow.withLock { $0.finish(fatal) }?.complete()
    }

    /// Called by librdkafka inside `rd_kafka_consumer_poll` or `rd_kafka_consumer_close`, on the poll thread.
    private func rebalance(_ error: rd_kafka_resp_err_t, _ list: RDKafkaTopicPartitionList) {
        flushPending()  // records fetched before the rebalance go first
        let partitions = list.partitions
        let cooperative = isCooperative
        let metadata: Logger.Metadata = [
            KafkaLoggingKeys.partitions: "\(partitions.map(\.description).joined(separator: ","))",
            KafkaLoggingKeys.protocolName: "\(cooperative ? "cooperative" : "eager")",
        ]
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            for partition in partitions { messages.forward(from: handle, partition) }
            if cooperative {
                reportFailure(rd_kafka_incremental_assign(handle, list.pointer), "incremental assign")
            } else {
                reportFailure(rd_kafka_assign(handle, list.pointer), "assign")
            }
            logger.info("partitions assigned", metadata: metadata)
            guard !partitions.isEmpty else { return }
            flow.withLock { $0.assigned(partitions) }?.complete()

        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(handle) != 0
            logger.info(lost ? "partitions lost" : "partitions revoked", metadata: metadata)
            if !partitions.isEmpty {
                let revocation = KafkaRevocation(partitions: partitions, isLost: lost)
                let (wasPaused, delivery) = flow.withLock { $0.revoked(revocation) }
                delivery?.complete()
                if !lost, !isClosing, !revocation.waitForAcknowledgement(deadline: configuration.revokeDeadline) {
                    logger.warning("revoke deadline passed without acknowledgement; releasing the partitions", metadata: metadata)
                }
                if !wasPaused.isEmpty {
                    _ = RDKafkaTopicPartitionList(wasPaused).withPointer { rd_kafka_resume_partitions(handle, $0) }
                }
            }
            if cooperative {
                reportFailure(rd_kafka_incremental_unassign(handle, list.pointer), "incremental unassign")
            } else {
                reportFailure(rd_kafka_assign(handle, nil), "unassign")
            }

        default:
            logger.error("rebalance failed", metadata: [KafkaLoggingKeys.error: "\(KafkaError.Code(error))"])
            let revocation = KafkaRevocation(partitions: Array(flow.withLock { $0.assignment }), isLost: true)
            flow.withLock { $0.revoked(revocation) }.1?.complete()
            if cooperative {
                reportFailure(rd_kafka_incremental_unassign(handle, list.pointer), "incremental unassign")
            } else {
                reportFailure(rd_kafka_assign(handle, nil), "unassign")
            }
        }
    }

    /// Whether the group uses the cooperative protocol, from the configured assignors (librdkafka
    /// refuses to mix cooperative and eager ones). Not `rd_kafka_rebalance_protocol()`: it answers
    /// NULL once the group sub-system has terminated, which is exactly when `rd_kafka_consumer_close`
    /// serves the final revoke, and "NONE" while a failed join has reset the assignor, which would
    /// send a lost cooperative assignment down the eager path and leave librdkafka waiting for an
    /// incremental unassign that never comes.
    private static func isCooperative(_ configuration: KafkaConsumerConfiguration) -> Bool {
        let strategies = configuration.properties["partition.assignment.strategy"] ?? ""
        return strategies.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "cooperative-sticky" }
    }

    private var isClosing: Bool {
        lifecycle.withLock { state in
            if case .running = state { return false }
            return true
        }
    }

    private func reportFailure(_ error: rd_kafka_resp_err_t, _ operation: String) {
        guard error != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        logger.error("\(operation) failed", metadata: [KafkaLoggingKeys.error: "\(KafkaError.Code(error))"])
    }

    private func reportFailure(_ error: OpaquePointer?, _ operation: String) {
        guard let error else { return }
        let wrapped = KafkaError(consuming: error, context: operation)
        logger.error("\(operation) failed", metadata: [KafkaLoggingKeys.error: "\(wrapped.code)"])
    }

    /// Applies flow-control calls; the caller holds `flow`'s lock. All three calls are asynchronous in librdkafka.
    private func apply(_ control: ConsumerFlowState.FlowControl) {
        guard !control.isEmpty else { return }
        if !control.pause.isEmpty {
            reportFailure(RDKafkaTopicPartitionList(control.pause).withPointer { rd_kafka_pause_partitions(handle, $0) }, "pause")
        }
        if !control.resume.isEmpty {
            reportFailure(RDKafkaTopicPartitionList(control.resume).withPointer { rd_kafka_resume_partitions(handle, $0) }, "resume")
        }
        if !control.seek.isEmpty {
            // A timeout of 0 makes the seek asynchronous.
            reportFailure(RDKafkaTopicPartitionList(control.seek).withPointer { rd_kafka_seek_partitions(handle, $0, 0) }, "seek")
        }
    }

    private func closeOnPollThread() {
        let closeError = rd_kafka_consumer_close(handle)  // serves the final revoke on this thread
        messages.destroy()
        let error = closeError == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(closeError, context: "close")
        flow.withLock { $0.finish(client.fatalError) }?.complete()
        let waiters = lifecycle.withLock { state -> [CheckedContinuation<KafkaError?, Never>] in
            defer { state = .closed(error) }
            if case .closing(let waiters) = state { return waiters }
            return []
        }
        for waiter in waiters { waiter.resume(returning: error) }
        logger.debug("consumer closed")
    }

    // MARK: Application side

    /// The next event, taken on `actor` (the caller's isolation) so the common case does not switch executors.
    func nextEvent(isolation actor: isolated (any Actor)?) async throws -> KafkaConsumerEvent? {
        let ready = flow.withLock { state in
            let (next, resumeFetching) = state.next(waiter: nil)
            if resumeFetching { roomAvailable.signal() }
            return next
        }
        switch ready {
        case .event(let event): return event
        case .finished(let error): if let error { throw error } else { return nil }
        case .wait: break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: ConsumerFlowState.Waiter) in
                let next = flow.withLock { state in
                    let (next, resumeFetching) = state.next(waiter: continuation)
                    if resumeFetching { roomAvailable.signal() }
                    return next
                }
                switch next {
                case .event(let event): continuation.resume(returning: event)
                case .finished(let error): continuation.resume(with: error.map { .failure($0) } ?? .success(nil))
                case .wait:
                    // Parked; the poll thread completes it. A task cancelled before it got here ran
                    // `onCancel` when there was nothing to cancel yet: cancel the parked waiter now, or
                    // it would wait for an event that may never come. `cancelWaiter` resumes it at most once.
                    if Task.isCancelled { flow.withLock { $0.cancelWaiter() }?.complete() }
                }
            }
        } onCancel: {
            flow.withLock { $0.cancelWaiter() }?.complete()
        }
    }

    func pause(_ partitions: Set<KafkaTopicPartition>) {
        flow.withLock { apply($0.pause(partitions)) }
    }

    func resume(_ partitions: Set<KafkaTopicPartition>) {
        flow.withLock { apply($0.resume(partitions)) }
    }

    func seek(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        try flow.withLock { (state) throws(KafkaError) in
            let unassigned = offsets.keys.filter { !state.assignment.contains($0) }
            guard unassigned.isEmpty else {
                throw KafkaError(
                    code: .state, message: "seek needs assigned partitions; not assigned: \(unassigned.map(\.description).sorted().joined(separator: ", "))"
                )
            }
            apply(state.seek(offsets))
        }
    }

    var assignment: Set<KafkaTopicPartition> { flow.withLock { $0.assignment } }

    /// Asks the poll thread to leave the group and stop; returns the close error, if any.
    func close() async -> KafkaError? {
        await withCheckedContinuation { continuation in
            let finished: KafkaError?? = lifecycle.withLock { state in
                switch state {
                case .running:
                    state = .closing(waiters: [continuation])
                    return nil
                case .closing(let waiters):
                    state = .closing(waiters: waiters + [continuation])
                    return nil
                case .closed(let error):
                    return .some(error)
                }
            }
            if let finished {
                continuation.resume(returning: finished)
            } else {
                wakePollThread()
            }
        }
    }

    /// Starts closing without waiting (the ``KafkaConsumer`` went away without `close()`).
    func requestClose() {
        lifecycle.withLock { state in
            if case .running = state { state = .closing(waiters: []) }
        }
        wakePollThread()
    }

    private func wakePollThread() {
        roomAvailable.signal()
        messages.yield()
    }

    func ensureOpen(_ operation: String) throws(KafkaError) {
        guard !isClosing else { throw KafkaError.closed(operation) }
    }
}
