import Logging
import Observability
import Store
import Synchronization

/// Asks the store every `interval` whether it answers (``VerificationStore/ping()`` within
/// `timeout`) and reports it: `storeReachable` in `/health/ready`, the gauge
/// `vlens_worker_store_reachable`, a warning when the store stops answering and a notice when it
/// answers again. Captures wait for the store meanwhile; nothing is dropped.
struct StoreProbe: Sendable {
    let store: any VerificationStore
    let health: WorkerHealth
    let metrics: WorkerMetrics
    var interval: Duration = .seconds(2)
    var timeout: Duration = .seconds(5)
    let logger: Logger

    /// What came of one probe.
    enum Answer: Sendable, Equatable {
        case answered
        /// The store refused: its error's code and message (never stored payloads).
        case failed(code: String, message: String)
        /// No answer within the timeout (a pool waiting for a connection, a stalled server).
        case silent
    }

    /// Probes until cancelled. A ping still under way is not doubled: the next probe waits on it.
    func run() async {
        var pending: Task<Answer, Never>?
        var lostAt: ContinuousClock.Instant?
        while !Task.isCancelled {
            let ping = pending ?? Task { [store] in
                do {
                    try await store.ping()
                    return .answered
                } catch let error as StoreError {
                    return .failed(code: "\(error.code)", message: error.message)
                } catch {
                    return .failed(code: "\(type(of: error))", message: "the store's ping failed")
                }
            }
            let answer = await Self.answer(of: ping, within: timeout)
            // Stopping: the store stops with the probe, and its last ping's failure says nothing.
            if Task.isCancelled {
                ping.cancel()
                return
            }
            pending = answer == .silent ? ping : nil
            report(answer, lostAt: &lostAt)
            try? await Task.sleep(for: interval)
        }
        pending?.cancel()
    }

    private func report(_ answer: Answer, lostAt: inout ContinuousClock.Instant?) {
        let reachable = answer == .answered
        health.setStoreReachable(reachable)
        metrics.recordStoreReachable(reachable)
        switch (answer, lostAt) {
        case (.answered, let since?):
            lostAt = nil
            logger.notice("the store answers again", metadata: ["unreachable_for": "\(ContinuousClock.now - since)"])
        case (.failed(let code, let message), nil):
            lostAt = .now
            logger.warning(
                "the store does not answer; captures wait for it, nothing is dropped",
                metadata: [WorkerLoggingKeys.errorCode: "\(code)", WorkerLoggingKeys.error: "\(message)"])
        case (.silent, nil):
            lostAt = .now
            logger.warning("the store does not answer; captures wait for it, nothing is dropped", metadata: [WorkerLoggingKeys.error: "no answer within \(timeout)"])
        default:
            break
        }
    }

    /// The ping's answer, or ``Answer/silent`` once `timeout` passed without one (the ping goes on).
    static func answer(of ping: Task<Answer, Never>, within timeout: Duration) async -> Answer {
        await withCheckedContinuation { (continuation: CheckedContinuation<Answer, Never>) in
            let once = ResumeOnce(continuation)
            Task { once.resume(returning: await ping.value) }
            Task {
                try? await Task.sleep(for: timeout)
                once.resume(returning: .silent)
            }
        }
    }

    /// A continuation the first of two racers resumes.
    private final class ResumeOnce: Sendable {
        private let continuation: Mutex<CheckedContinuation<Answer, Never>?>
        init(_ continuation: CheckedContinuation<Answer, Never>) { self.continuation = Mutex(continuation) }
        func resume(returning answer: Answer) { continuation.withLock { $0.take() }?.resume(returning: answer) }
    }
}
