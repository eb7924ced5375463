import DequeModule

/// The buffer between the consumer's poll thread and the application, with its flow control.
///
/// A pure state machine: the poll thread and the application call `mutating` methods under one lock and
/// apply the returned ``FlowControl`` (pause, resume, seek: all non-blocking librdkafka calls) before
/// releasing it, then resume the returned waiter after releasing it.
///
/// Bounded: the poll thread takes at most ``room`` records from librdkafka, and takes none while
/// ``byteRoom`` is 0, so at most `highWatermark` records and `highWatermarkBytes` bytes (plus the
/// last batch taken, at most 256 records) are buffered. At either high watermark fetching pauses internally
/// (`internallyPaused`): the poll thread stops draining librdkafka's fetch queue, so librdkafka stops
/// fetching once that queue holds `queued.max.messages.kbytes`, while the poll thread keeps serving
/// rebalances, logs and statistics. It resumes when the buffer is at or below both low watermarks. This is tracked apart from the application's pauses, which are
/// `rd_kafka_pause_partitions` calls: records of an application-paused partition that are still buffered
/// or in flight are dropped and the partition is rewound (sought back to the lowest dropped offset)
/// when it resumes, so nothing is lost or duplicated.
struct ConsumerFlowState {
    typealias Waiter = CheckedContinuation<KafkaConsumerEvent?, any Error>

    /// librdkafka calls to make, in this order: pause, resume, seek.
    struct FlowControl {
        var pause: [KafkaTopicPartition] = []
        var resume: [KafkaTopicPartition] = []
        var seek: [KafkaTopicPartition: Int64] = [:]
        var isEmpty: Bool { pause.isEmpty && resume.isEmpty && seek.isEmpty }
    }

    /// A parked `next()` call to complete.
    struct Delivery {
        let waiter: Waiter
        let result: Result<KafkaConsumerEvent?, any Error>
        func complete() { waiter.resume(with: result) }
    }

    enum Next {
        case event(KafkaConsumerEvent)
        case finished(KafkaError?)
        case wait
    }

    let highWatermark: Int
    let lowWatermark: Int
    let highWatermarkBytes: Int
    let lowWatermarkBytes: Int

    private var events = Deque<KafkaConsumerEvent>()
    private(set) var bufferedRecords = 0
    private(set) var bufferedBytes = 0
    private(set) var assignment: Set<KafkaTopicPartition> = []
    private(set) var applicationPaused: Set<KafkaTopicPartition> = []
    private(set) var internallyPaused = false
    /// Where each partition must restart because records were dropped (lowest dropped offset).
    private(set) var rewind: [KafkaTopicPartition: Int64] = [:]
    private var finished: KafkaError?? = nil
    private var waiter: Waiter?

    /// Byte watermarks of `Int.max` leave the buffer bounded by records only.
    init(highWatermark: Int, lowWatermark: Int, highWatermarkBytes: Int = .max, lowWatermarkBytes: Int = .max) {
        precondition(highWatermark > 0 && lowWatermark >= 0 && lowWatermark < highWatermark, "invalid event buffer watermarks")
        precondition(highWatermarkBytes > 0 && lowWatermarkBytes >= 0 && lowWatermarkBytes <= highWatermarkBytes, "invalid event buffer byte watermarks")
        self.highWatermark = highWatermark
        self.lowWatermark = lowWatermark
        self.highWatermarkBytes = highWatermarkBytes
        self.lowWatermarkBytes = lowWatermarkBytes
    }

    init(_ buffer: KafkaConsumerConfiguration.EventBuffer) {
        let highBytes = buffer.highWatermarkBytes ?? .max
        self.init(
            highWatermark: buffer.highWatermark, lowWatermark: buffer.lowWatermark,
            highWatermarkBytes: highBytes, lowWatermarkBytes: buffer.lowWatermarkBytes ?? (highBytes == .max ? .max : highBytes / 4))
    }

    // MARK: Poll thread

    /// How many records the poll thread may take from librdkafka now.
    var room: Int { internallyPaused ? 0 : max(0, highWatermark - bufferedRecords) }

    /// How many more bytes the poll thread may take now: it stops taking records once it took this many.
    var byteRoom: Int { internallyPaused ? 0 : max(0, highWatermarkBytes - bufferedBytes) }

    /// Records the poll thread took from librdkafka (at most ``room``).
    mutating func receive(_ records: [KafkaRecord]) -> Delivery? {
        for record in records {
            let partition = record.topicPartition
            guard assignment.contains(partition), finished == nil else { continue }  // revoked meanwhile: the next owner reads it
            if applicationPaused.contains(partition) {
                noteRewind(partition, to: record.offset)
                continue
            }
            events.append(.record(record))
            bufferedRecords += 1
            bufferedBytes += record.byteCount
        }
        if bufferedRecords >= highWatermark || bufferedBytes >= highWatermarkBytes { internallyPaused = true }
        return deliverToWaiter()
    }

    /// Partitions were added to the assignment.
    mutating func assigned(_ partitions: [KafkaTopicPartition]) -> Delivery? {
        assignment.formUnion(partitions)
        for partition in partitions { rewind[partition] = nil }
        events.append(.assigned(partitions))
        return deliverToWaiter()
    }

    /// Partitions are being revoked: drop their undelivered records and forget their flow state.
    /// Returns the partitions that were paused, to resume before they are unassigned.
    mutating func revoked(_ revocation: KafkaRevocation) -> (wasPaused: [KafkaTopicPartition], Delivery?) {
        let revoked = Set(revocation.partitions)
        purge(revoked)
        let wasPaused = revoked.filter { applicationPaused.contains($0) }.sorted(by: Self.order)
        assignment.subtract(revoked)
        applicationPaused.subtract(revoked)
        for partition in revoked { rewind[partition] = nil }
        events.append(.revoked(revocation))
        return (wasPaused, deliverToWaiter())
    }

    /// The consumer stopped, cleanly (`nil`) or with an error.
    mutating func finish(_ error: KafkaError?) -> Delivery? {
        guard finished == nil else { return nil }
        finished = .some(error)
        assignment = []
        return deliverToWaiter()
    }

    // MARK: Application

    /// The application asks for the next event; `waiter` is parked when none is ready.
    /// `resumeFetching` is true when the buffer drained to the low watermark: wake the poll thread.
    mutating func next(waiter newWaiter: Waiter?) -> (next: Next, resumeFetching: Bool) {
        if let event = popEvent() {
            return (.event(event), internalResumeIfDrained())
        }
        if let finished { return (.finished(finished), false) }
        if let newWaiter {
            precondition(waiter == nil, "KafkaConsumer.events supports one iterator at a time")
            waiter = newWaiter
        }
        // An application pause, seek or revoke may have purged the buffer below the low watermark
        // while fetching was internally paused: waiting on an empty buffer must restart fetching.
        return (.wait, internalResumeIfDrained())
    }

    /// The parked `next()` call was cancelled.
    mutating func cancelWaiter() -> Delivery? {
        guard let parked = waiter else { return nil }
        waiter = nil
        return Delivery(waiter: parked, result: .failure(CancellationError()))
    }

    /// The application pauses partitions: their buffered records are dropped and rewound.
    mutating func pause(_ partitions: Set<KafkaTopicPartition>) -> FlowControl {
        applicationPaused.formUnion(partitions)
        for record in removeRecords(of: partitions) {
            noteRewind(record.topicPartition, to: record.offset)
        }
        return FlowControl(pause: partitions.intersection(assignment).sorted(by: Self.order))
    }

    /// The application resumes partitions; they restart where delivery stopped.
    mutating func resume(_ partitions: Set<KafkaTopicPartition>) -> FlowControl {
        applicationPaused.subtract(partitions)
        var control = FlowControl(resume: partitions.intersection(assignment).sorted(by: Self.order))
        for partition in control.resume {
            if let offset = rewind.removeValue(forKey: partition) { control.seek[partition] = offset }
        }
        return control
    }

    /// The application moves partitions to `offsets`: buffered records of them are dropped, and a
    /// paused partition restarts there when it resumes.
    mutating func seek(_ offsets: [KafkaTopicPartition: Int64]) -> FlowControl {
        let partitions = Set(offsets.keys)
        purge(partitions)
        for (partition, offset) in offsets {
            rewind[partition] = applicationPaused.contains(partition) ? offset : nil
        }
        return FlowControl(seek: offsets)
    }

    // MARK: Internals

    private mutating func internalResumeIfDrained() -> Bool {
        guard internallyPaused, bufferedRecords <= lowWatermark, bufferedBytes <= lowWatermarkBytes else { return false }
        internallyPaused = false
        return true
    }

    private mutating func purge(_ partitions: Set<KafkaTopicPartition>) {
        _ = removeRecords(of: partitions)
    }

    /// Takes the first event off the buffer, keeping the counts.
    private mutating func popEvent() -> KafkaConsumerEvent? {
        let event = events.popFirst()
        if case .record(let record) = event { uncount(record) }
        return event
    }

    /// Removes the buffered records of `partitions`, in order, keeping the counts and the order of the rest.
    private mutating func removeRecords(of partitions: Set<KafkaTopicPartition>) -> [KafkaRecord] {
        var kept = Deque<KafkaConsumerEvent>(minimumCapacity: events.count)
        var removed: [KafkaRecord] = []
        for event in events {
            if case .record(let record) = event, partitions.contains(record.topicPartition) {
                uncount(record)
                removed.append(record)
            } else {
                kept.append(event)
            }
        }
        events = kept
        return removed
    }

    private mutating func uncount(_ record: KafkaRecord) {
        bufferedRecords -= 1
        bufferedBytes -= record.byteCount
    }

    private mutating func noteRewind(_ partition: KafkaTopicPartition, to offset: Int64) {
        rewind[partition] = min(rewind[partition] ?? offset, offset)
    }

    private mutating func deliverToWaiter() -> Delivery? {
        guard let parked = waiter else { return nil }
        if let event = popEvent() {
            waiter = nil
            return Delivery(waiter: parked, result: .success(event))
        }
        if let finished {
            waiter = nil
            return Delivery(waiter: parked, result: finished.map { .failure($0) } ?? .success(nil))
        }
        return nil
    }

    private static func order(_ lhs: KafkaTopicPartition, _ rhs: KafkaTopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}
