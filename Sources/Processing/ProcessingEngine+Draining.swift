import Kafka

extension ProcessingEngine {
    /// Waits until no record of `partitions` (of any partition when nil) runs, or `timeout` passes.
    /// Returns whether they drained.
    func waitForDrain(of partitions: Set<KafkaTopicPartition>?, timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.drained(partitions)
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let drained = await group.next() ?? false
            group.cancelAll()
            return drained
        }
    }

    private func drained(_ partitions: Set<KafkaTopicPartition>?) async {
        let id = nextWaiterID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { $0.addDrainWaiter(id: id, only: partitions, continuation) }
                resumeNow?.resume()
            }
        } onCancel: {
            let waiter = state.withLock { $0.cancelDrainWaiter(id: id) }
            waiter?.resume()
        }
        state.withLock { $0.forgetDrainWaiter(id: id) }
    }

    /// Finishes a revocation: running records of the partitions get until the deadline, then what
    /// completed is committed and the partitions are released. Unfinished records stay uncommitted.
    func finishRevocation(_ revocation: ProcessingRevocation) async {
        let partitions = Set(revocation.partitions)
        let drained = await waitForDrain(of: partitions, timeout: configuration.revocationDrainTimeout)
        if !drained {
            logger.warning(
                "Revoked partitions still had running records at the deadline; they stay uncommitted",
                metadata: [ProcessingLoggingKeys.partitions: "\(revocation.partitions)"])
        }
        await commitCompleted(only: partitions)
        state.withLock { $0.onRevocationFinished(partitions) }
        await revocation.acknowledge()
    }

    /// Waits for the shutdown signal, then stops fetching, drains, commits and closes the source.
    func shutDownWhenAsked() async {
        for await _ in shutdownSignal.stream {}
        guard !Task.isCancelled else {
            // Cancelled (`run()`'s task): no drain and no commit, what ran is handled again by the
            // next owner; but the source is closed, so a consumer leaves its group now and its
            // partitions move on at once instead of after the group's session timeout.
            try? await source.close()
            return
        }
        logger.info("Processing engine shutting down: stop fetching, drain running records, commit")
        let action = state.withLock { $0.onShutdown() }
        await perform(action)
        let deadline = ContinuousClock.now + configuration.shutdownDrainTimeout
        let drained = await waitForDrain(of: nil, timeout: configuration.shutdownDrainTimeout)
        if !drained {
            logger.warning(
                "Records still running at the shutdown deadline; they stay uncommitted",
                metadata: [ProcessingLoggingKeys.running: "\(state.withLock { $0.runningRecords })"])
        }
        await commitPersistently(until: max(deadline, ContinuousClock.now + .seconds(5)))
        do {
            try await source.close()
        } catch {
            logger.error(
                "Closing the source failed", metadata: [ProcessingLoggingKeys.errorType: "\(type(of: error))"])
        }
        logger.info("Processing engine stopped")
        work.continuation.finish()
    }
}
