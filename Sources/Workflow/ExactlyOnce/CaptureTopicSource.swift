import Kafka
import Processing

/// The engine's view of the capture topic: the Kafka consumer, and where handled captures'
/// outputs go (``CaptureDelivery``). It commits either directly or — in the exactly-once mode —
/// through the ``TransactionalOutbox``, which publishes the committed records' outputs in the same
/// transaction. It tells the ``ParkingLot`` which partitions this instance owns, so only the owner
/// resumes a partition's parked captures.
package struct CaptureTopicSource: ProcessingSource {
    package typealias Record = KafkaRecord
    package typealias Output = KafkaOutgoingRecord

    package let base: KafkaProcessingSource
    package let delivery: CaptureDelivery
    package let parking: ParkingLot?
    /// How long a revocation waits for parked captures being resumed.
    package var resumeDrainTimeout: Duration = .seconds(25)
    /// Tests only: where to die (``CrashPoint``).
    package var crashPoint: CrashPoint?

    package init(base: KafkaProcessingSource, delivery: CaptureDelivery, parking: ParkingLot?, resumeDrainTimeout: Duration = .seconds(25), crashPoint: CrashPoint?) {
        self.base = base
        self.delivery = delivery
        self.parking = parking
        self.resumeDrainTimeout = resumeDrainTimeout
        self.crashPoint = crashPoint
    }

    /// The outbox of the exactly-once mode.
    private var outbox: TransactionalOutbox? {
        if case .transactional(let outbox) = delivery { return outbox }
        return nil
    }

    package func deliver(_ outputs: [KafkaOutgoingRecord], for record: KafkaRecord) async throws {
        try await delivery.deliver(outputs, for: record, crashPoint: crashPoint)
    }

    package func makeEvents() -> Events {
        Events(base: base.makeEvents(), outbox: outbox, parking: parking, resumeDrainTimeout: resumeDrainTimeout)
    }

    package func pause(_ partitions: [KafkaTopicPartition]) async throws {
        try await base.pause(partitions)
    }

    package func resume(_ partitions: [KafkaTopicPartition]) async throws {
        try await base.resume(partitions)
    }

    package func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws {
        if let outbox {
            try await outbox.commit(offsets)
        } else {
            try await base.commit(offsets)
        }
    }

    package func close() async throws {
        try await base.close()
    }

    /// The consumer's events. Assignments and revocations reach the parking lot (a revocation after
    /// its parked captures being resumed finished); in the exactly-once mode, outputs still waiting
    /// on a partition are dropped when it is revoked (after the engine's final commit) or newly
    /// assigned, because its uncommitted records will be consumed again.
    package struct Events: AsyncSequence {
        package typealias Element = ProcessingEvent<KafkaRecord>
        package typealias Failure = any Error

        package let base: KafkaProcessingSource.Events
        package let outbox: TransactionalOutbox?
        package let parking: ParkingLot?
        package let resumeDrainTimeout: Duration

        package func makeAsyncIterator() -> Iterator {
            Iterator(base: base.makeAsyncIterator(), outbox: outbox, parking: parking, resumeDrainTimeout: resumeDrainTimeout, epochs: AssignmentEpochs())
        }

        package struct Iterator: AsyncIteratorProtocol {
            package var base: KafkaProcessingSource.Events.Iterator
            package let outbox: TransactionalOutbox?
            package let parking: ParkingLot?
            package let resumeDrainTimeout: Duration
            let epochs: AssignmentEpochs

            package mutating func next() async throws -> ProcessingEvent<KafkaRecord>? {
                let event = try await base.next()
                guard var event else { return nil }
                if let outbox {
                    switch event.kind {
                    case .assigned(let partitions):
                        epochs.assigned(partitions)
                        outbox.discard(partitions)
                    case .revoked(let revocation):
                        let snapshot = epochs.snapshot(revocation.partitions)
                        let epochs = epochs
                        event = .revoked(ProcessingRevocation(partitions: revocation.partitions) {
                            // Outputs of a partition assigned again meanwhile are the newer assignment's.
                            outbox.discard(epochs.unchanged(since: snapshot))
                            await revocation.acknowledge()
                        })
                    case .record:
                        break
                    }
                }
                return parking?.observe(event, resumeDrainTimeout: resumeDrainTimeout) ?? event
            }
        }
    }
}
