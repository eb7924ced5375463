import Foundation
import Testing
import VlensSimulator

/// `vlens-worker run` and its stop signals, on a real process: the first SIGTERM drains, a second
/// stops at once, and one sent while the worker starts stops it cleanly once started.
@Suite("Operating: stop signals", .timeLimit(.minutes(3)))
struct StopSignalTests {
    @Test("a second SIGTERM stops a draining worker at once (exit 130); the first alone waits for the running capture")
    func secondSignalStopsAtOnce() async throws {
        // Vlens holds its answer and the drain may take 60 s: only a second signal ends the worker soon.
        let environment = ["VLENS_REQUEST_TIMEOUT_MS": "120000", "DRAIN_TIMEOUT_MS": "60000"]
        try await WorkflowHarness.run(partitions: 1, environment: environment, startWorker: false) { harness in
            harness.simulator.holdAnswers()
            defer { harness.simulator.releaseAnswers() }
            let worker = try WorkerProcess(environment: harness.environment)
            defer { worker.kill() }
            try await waitUntil("the worker owns its partition", within: .seconds(60)) { worker.log.contains("partitions assigned") }
            try await harness.submit(CaptureFactory().front())
            try await waitUntil("the capture's Vlens call is under way", within: .seconds(60)) { harness.simulator.callsHeld == 1 }

            worker.signal(SIGTERM)
            try await waitUntil("the worker logs the stop signal", within: .seconds(30)) { worker.log.contains("stop signal") }
            #expect(worker.isRunning, "the first SIGTERM drains: the capture's Vlens call is still under way")

            let second = ContinuousClock.now
            worker.signal(SIGTERM)
            let status = await worker.exitStatus(within: .seconds(20))
            #expect(status == 130, "a second SIGTERM stops the worker at once, exit 130 (got \(status.map(String.init) ?? "still running"))")
            #expect(ContinuousClock.now - second < .seconds(20))
            #expect(worker.log.contains("second stop signal"))
        }
    }

    @Test("a SIGTERM while the worker starts stops it cleanly once started (exit 0), not by the signal")
    func signalDuringStartUp() async throws {
        try await WorkflowHarness.run(partitions: 1, startWorker: false) { harness in
            let worker = try WorkerProcess(environment: harness.environment)
            defer { worker.kill() }
            // Once it has trapped SIGTERM (before that, as any process, it dies of it) and well before it has started.
            try await waitUntil("the worker traps SIGTERM", within: .seconds(60)) { worker.catches(SIGTERM) }
            #expect(!worker.log.contains("partitions assigned"), "the signal comes while the worker starts")
            worker.signal(SIGTERM)
            let status = await worker.exitStatus(within: .seconds(60))
            #expect(!worker.wasSignalled, "the worker handled the signal; it was not killed by it")
            #expect(status == 0, "it stopped gracefully (got \(status.map(String.init) ?? "still running")); log:\n\(worker.log.suffix(2000))")
            #expect(worker.log.contains("stop signal"))
        }
    }
}
