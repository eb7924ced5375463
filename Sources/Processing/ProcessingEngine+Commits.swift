import Kafka

extension ProcessingEngine {
    /// Commits completed offsets every commit interval and reports the engine's load.
    func commitPeriodically() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.commitInterval)
            } catch {
                return
            }
            await commitCompleted(only: nil)
            metrics.recordSnapshot(snapshot())
        }
    }

    /// Commits, for the partitions (every owned one when nil), the offset below which all records
    /// completed, where it moved since the last commit. Commits never overlap, so they never regress.
    /// Returns false when the commit failed.
    @discardableResult
    func commitCompleted(only partitions: Set<KafkaTopicPartition>?) async -> Bool {
        await commitLock.withLock {
            let offsets = state.withLock { $0.offsetsToCommit(only: partitions) }
            guard !offsets.isEmpty else { return true }
            do {
                try await source.commit(offsets)
                state.withLock { $0.onCommitted(offsets) }
                return true
            } catch {
                logger.warning(
                    "Commit failed; it is tried again at the next commit",
                    metadata: [
                        ProcessingLoggingKeys.partitions: "\(offsets.keys.sorted { $0.description < $1.description })",
                        ProcessingLoggingKeys.errorType: "\((error as? KafkaError)?.code.description ?? "\(type(of: error))")",
                    ])
                return false
            }
        }
    }

    /// Commits until it succeeds or `deadline` passes. A commit that races a rebalance fails (the
    /// group's generation moved on); once the consumer has rejoined, the retry commits what this
    /// instance still owns, and the revocation's own commit covers what moved.
    func commitPersistently(until deadline: ContinuousClock.Instant) async {
        while await !commitCompleted(only: nil), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Brings the source's paused partitions in line with the state: paused while over a limit,
    /// revoking or shutting down. Calls never overlap, so the last decision wins.
    func reconcilePauses() async {
        await pauseLock.withLock {
            let changes = state.withLock { $0.takePauseChanges() }
            if !changes.pause.isEmpty {
                do {
                    try await source.pause(changes.pause)
                } catch {
                    logPauseFailure(error, changes.pause)
                    state.withLock { $0.onPauseChangeFailed(changes.pause) }
                }
            }
            if !changes.resume.isEmpty {
                do {
                    try await source.resume(changes.resume)
                } catch {
                    logPauseFailure(error, changes.resume)
                    state.withLock { $0.onPauseChangeFailed(changes.resume) }
                }
            }
        }
    }

    private func logPauseFailure(_ error: any Error, _ partitions: [KafkaTopicPartition]) {
        logger.warning(
            "Pausing or resuming partitions failed; it is tried again at the next change",
            metadata: [
                ProcessingLoggingKeys.partitions: "\(partitions)",
                ProcessingLoggingKeys.errorType: "\(type(of: error))",
            ])
    }
}
