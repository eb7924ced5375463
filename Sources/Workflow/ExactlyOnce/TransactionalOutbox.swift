import Observability
import Kafka
import Logging
import Processing
import SerialAccess
import ServiceLifecycle
import Synchronization

/// The exactly-once mode's outbox: each capture's outputs (result, dead letter), which the engine
/// delivers through the capture topic's source, wait here until its offset is committed, and one
/// Kafka transaction then publishes them and commits the offsets.
///
/// The engine commits, per partition, only the offset below which every record completed. The
/// outbox publishes exactly the outputs of those records, in offset order, so a transaction holds
/// the results of precisely the offsets it commits: after a crash or an aborted transaction, the
/// uncommitted captures are consumed again and their stored results published in a later
/// transaction — `read_committed` consumers see each result once. Outputs of records that
/// completed above the committed offset wait for the next commit.
///
/// The transaction is open only inside ``commit(_:)``, which the engine never runs concurrently,
/// so handlers never produce into a transaction being committed.
///
/// As a `Service`, it ends the worker with an error when the producer hits a fatal error (for
/// example, fenced by a newer instance with the same `transactional.id`): an orchestrator then
/// restarts it, and it resumes from the committed offsets.
public final class TransactionalOutbox: Service, Sendable {
    private let producer: KafkaProducer
    private let groupMetadata: @Sendable () throws -> KafkaConsumerGroupMetadata
    private let logger: Logger
    private let state = Mutex(State())
    /// One transaction at a time: the engine's commits and resumed captures' outputs.
    private let transactions = AsyncSerialLock()
    private let fatal: AsyncStream<KafkaError>
    private let fatalContinuation: AsyncStream<KafkaError>.Continuation

    private struct State {
        /// Outputs per partition, per input offset, in the order the handler produced them.
        package var pending: [KafkaTopicPartition: [Int64: [KafkaOutgoingRecord]]] = [:]
        /// The offsets of a transaction whose commit did not finish in time: librdkafka goes on
        /// with it, and the next commit resumes it (aborting it would conflict).
        package var interruptedCommit: [KafkaTopicPartition: Int64]?
    }

    /// - Parameters:
    ///   - producer: a producer configured with a `transactional.id`, on which
    ///     ``KafkaProducer/initTransactions()`` has completed.
    ///   - groupMetadata: the consumer's current group metadata, for fencing zombies (KIP-447).
    public init(producer: KafkaProducer, groupMetadata: @escaping @Sendable () throws -> KafkaConsumerGroupMetadata, logger: Logger) {
        self.producer = producer
        self.groupMetadata = groupMetadata
        self.logger = logger
        (fatal, fatalContinuation) = AsyncStream.makeStream(of: KafkaError.self)
    }

    /// Holds the outputs of the input record at `offset` (replacing any an earlier delivery left);
    /// they are published when that offset commits.
    package func set(_ records: [KafkaOutgoingRecord], for partition: KafkaTopicPartition, offset: Int64) {
        state.withLock { $0.pending[partition, default: [:]][offset] = records }
    }

    /// Drops the outputs waiting on `partitions`: their uncommitted records are consumed again by
    /// whichever instance owns them next.
    package func discard(_ partitions: [KafkaTopicPartition]) {
        state.withLock { state in
            for partition in partitions { state.pending[partition] = nil }
        }
    }

    /// The number of outputs waiting for a commit.
    package var pendingCount: Int {
        state.withLock { $0.pending.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } } }
    }

    /// Publishes the outputs of every record below `offsets` and commits `offsets`, in one
    /// transaction. On failure the transaction is aborted and the outputs stay, for the next try;
    /// a commit that only ran out of time is resumed by the next call instead.
    package func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws {
        try await transactions.withLock {
            try await resumeInterruptedCommit()
            let outputs = state.withLock { state in
                offsets.flatMap { partition, next in
                    (state.pending[partition] ?? [:]).filter { $0.key < next }.sorted { $0.key < $1.key }.flatMap(\.value)
                }
            }
            do {
                try producer.beginTransaction()
                if !outputs.isEmpty { _ = try await producer.send(outputs) }
                try await producer.sendOffsetsToTransaction(offsets, groupMetadata: try groupMetadata())
            } catch let error as KafkaError {
                await recover(from: error)
                throw error
            }
            try await finishCommit(of: offsets)
        }
    }

    /// Publishes outputs that belong to no uncommitted input (a resumed parked capture's) in a
    /// transaction of their own. On failure the transaction is aborted and the error thrown: the
    /// capture stays parked and is resumed again (its stored result re-published).
    package func publishAlone(_ outputs: [KafkaOutgoingRecord]) async throws {
        try await transactions.withLock {
            try await resumeInterruptedCommit()
            do {
                try producer.beginTransaction()
                _ = try await producer.send(outputs)
            } catch let error as KafkaError {
                await recover(from: error)
                throw error
            }
            try await finishCommit(of: [:])
        }
    }

    /// Resumes the commit that ran out of time last, if any; throws if it still does not finish.
    private func resumeInterruptedCommit() async throws {
        guard let offsets = state.withLock({ $0.interruptedCommit }) else { return }
        logger.info("resuming the commit of a transaction that did not finish in time")
        try await finishCommit(of: offsets)
    }

    /// Commits the open transaction (which commits `offsets`) and lets go of the outputs it
    /// published. A commit that runs out of time (retriable) goes on in librdkafka: it is kept to
    /// be resumed, not aborted, since an abort would conflict with it and so would every later
    /// transaction. Other failures abort the transaction.
    private func finishCommit(of offsets: [KafkaTopicPartition: Int64]) async throws {
        do {
            try await producer.commitTransaction()
        } catch let error as KafkaError where error.isRetryable && !error.requiresTransactionAbort && !error.isFatal {
            state.withLock { $0.interruptedCommit = offsets }
            logger.warning("transaction commit did not finish in time; it is resumed at the next commit", metadata: [WorkerLoggingKeys.error: "\(error.code)"])
            throw error
        } catch let error as KafkaError {
            state.withLock { $0.interruptedCommit = nil }
            await recover(from: error)
            throw error
        }
        state.withLock { state in
            state.interruptedCommit = nil
            for (partition, next) in offsets {
                state.pending[partition] = state.pending[partition]?.filter { $0.key >= next }
            }
        }
    }

    private func recover(from error: KafkaError) async {
        if error.isFatal {
            logger.critical("transactional producer failed fatally; the worker stops and resumes from committed offsets on restart", metadata: [WorkerLoggingKeys.error: "\(error.code)"])
            fatalContinuation.yield(error)
            return
        }
        do {
            try await producer.abortTransaction()
        } catch let abortError as KafkaError where abortError.isFatal {
            fatalContinuation.yield(abortError)
        } catch {
            // Nothing open to abort (begin failed); the next commit begins afresh.
        }
        logger.warning("transaction aborted; its results and offsets are tried again at the next commit", metadata: [WorkerLoggingKeys.error: "\(error.code)"])
    }

    /// Waits for a fatal producer error (then throws it, stopping the worker) or graceful shutdown.
    public func run() async throws {
        let fatal = self.fatal
        let failure: KafkaError? = await cancelWhenGracefulShutdown {
            for await error in fatal { return error }
            return nil
        }
        if let failure { throw failure }
    }
}
