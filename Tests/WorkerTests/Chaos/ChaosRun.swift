import Foundation
import Synchronization
import Testing
import Verification
import VlensSimulator

/// A fault that hit part of the load only (one tenant's Vlens, one image host): the rest of the
/// load must keep flowing while it lasts.
struct ChaosOutage: Sendable {
    /// What was down, for messages.
    var label: String
    /// The transactions the fault blocks.
    var affected: Set<String>
    var start: Date
    var end: Date
}

/// One chaos scenario in progress: worker processes, the load, and the faults' timeline.
final class ChaosRun: Sendable {
    let name: String
    let harness: WorkflowHarness
    let profile: ChaosProfile
    /// Transactions of the load; each submits front, back and liveness in that order.
    let flows: [CaptureFactory]
    let captures: [CaptureSubmitted]
    /// Simulators besides the harness's (other tenants' Vlens): their ledgers count too.
    let otherSimulators: [VlensSimulatorServer]
    /// Environment a worker slot adds to the harness's (the first worker started is slot 0): a
    /// replacement for slot k gets slot k's, as a StatefulSet's pod k keeps its name across restarts.
    let slotEnvironment: @Sendable (_ slot: Int) -> [String: String]
    private let state = Mutex(State())

    private struct State {
        var workers: [WorkerProcess] = []
        var retiredLogs: [String] = []
        var faultEnds: [Date] = []
        var poisonCount = 0
        var outages: [ChaosOutage] = []
    }

    /// - Parameters:
    ///   - otherSimulators: Vlens simulators of other tenants, whose ledgers the invariants check too.
    ///   - shape: changes a capture of the load (its tenant, its images), given its transaction's
    ///     index in the load; the default load leaves them as ``CaptureFactory`` makes them.
    ///   - slotEnvironment: what each worker slot adds to the harness's environment (such as a stable
    ///     `WORKER_INSTANCE_ID`); nothing by default.
    init(
        _ name: String, harness: WorkflowHarness, profile: ChaosProfile = .current, otherSimulators: [VlensSimulatorServer] = [],
        slotEnvironment: @escaping @Sendable (_ slot: Int) -> [String: String] = { _ in [:] },
        shape: (_ transaction: Int, _ capture: inout CaptureSubmitted) -> Void = { _, _ in }
    ) {
        self.name = name
        self.harness = harness
        self.profile = profile
        self.otherSimulators = otherSimulators
        self.slotEnvironment = slotEnvironment
        flows = (0..<profile.transactions).map { _ in CaptureFactory() }
        captures = flows.enumerated().flatMap { index, flow in
            [flow.front(), flow.back(), flow.liveness()].map { capture in
                var capture = capture
                shape(index, &capture)
                return capture
            }
        }
    }

    /// Every simulator's ledger calls: the harness's and the other tenants'.
    func ledgerCalls() -> [SimulatorLedger.Call] {
        ([harness.simulator] + otherSimulators).flatMap { $0.ledger().calls }
    }

    // MARK: Workers

    /// Starts a `vlens-worker run` process in the next slot, with the harness's environment and the slot's.
    @discardableResult
    func startWorker(_ extra: [String: String] = [:]) throws -> Int {
        let slot = state.withLock { $0.workers.count }
        let worker = try WorkerProcess(environment: environment(slot: slot).merging(extra) { $1 })
        return state.withLock { $0.workers.append(worker); return $0.workers.count - 1 }
    }

    /// The environment of worker slot `slot`: the harness's and the slot's own.
    func environment(slot: Int) -> [String: String] {
        harness.environment.merging(slotEnvironment(slot)) { $1 }
    }

    /// SIGKILLs worker `index` and starts a replacement in its place.
    func killAndReplace(_ index: Int) throws {
        let victim = state.withLock { $0.workers[index] }
        victim.kill()
        noteFaultEnded()
        let replacement = try WorkerProcess(environment: environment(slot: index))
        let victimLog = Self.log(of: victim)
        state.withLock { $0.retiredLogs.append(victimLog); $0.workers[index] = replacement }
    }

    /// SIGTERMs worker `index` (it drains, commits, leaves), starts a replacement and, as a
    /// rolling update does, waits until the replacement owns partitions before going on.
    ///
    /// Waiting matters here beyond realism: tansu, the test broker, never completes a rebalance
    /// whose leader leaves in the middle of it (the group stays without partitions); Apache Kafka
    /// elects a new leader.
    func restart(_ index: Int) async throws {
        let leaving = state.withLock { $0.workers[index] }
        let status = await leaving.terminate()
        #expect(status == 0, "a worker stopped by SIGTERM exits 0")
        noteFaultEnded()
        let replacement = try WorkerProcess(environment: environment(slot: index))
        let leavingLog = Self.log(of: leaving)
        state.withLock { $0.retiredLogs.append(leavingLog); $0.workers[index] = replacement }
        let deadline = ContinuousClock.now + .seconds(60)
        while !replacement.log.contains(#""msg":"Partitions assigned""#), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Stops every worker (SIGTERM) and returns all their logs, including replaced ones. The logs
    /// are also kept in `.run/chaos-logs/<scenario>/` for whoever investigates a failure.
    func stopWorkers() async -> [String] {
        let workers = state.withLock { $0.workers }
        for worker in workers { _ = await worker.terminate() }
        let logs = state.withLock { $0.retiredLogs } + workers.map(Self.log(of:))
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let directory = root.appendingPathComponent(".run/chaos-logs/\(name.filter { $0.isLetter || $0.isNumber || $0 == " " }.replacingOccurrences(of: " ", with: "-"))")
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (index, log) in logs.enumerated() {
            try? log.write(to: directory.appendingPathComponent("worker-\(index).log"), atomically: true, encoding: .utf8)
        }
        return logs
    }

    /// Each worker's assignment as its log tells it, named as in `.run/chaos-logs/` (retired workers
    /// first, then the current ones).
    func assignments() -> ChaosAssignments {
        let (retired, current) = state.withLock { ($0.retiredLogs, $0.workers) }
        let workers = retired.map { (isRunning: false, log: $0) } + current.map { (isRunning: $0.isRunning, log: $0.log) }
        return ChaosAssignments(workers.enumerated().map { (name: "worker-\($0.offset)", isRunning: $0.element.isRunning, log: $0.element.log) })
    }

    /// A worker's log; an unreadable one is a failure, not a clean log.
    static func log(of worker: WorkerProcess) -> String {
        do {
            return try worker.readLog()
        } catch {
            Issue.record("a worker log could not be read (\(error)); the privacy and assignment checks need it")
            return ""
        }
    }

    /// Marks the end of a fault: recovery is measured from here.
    func noteFaultEnded(at date: Date = Date()) {
        state.withLock { $0.faultEnds.append(date) }
    }

    var faultEnds: [Date] { state.withLock { $0.faultEnds } }

    /// Records a fault that blocked only `affected` transactions from `start` until now (and marks
    /// its end, as ``noteFaultEnded(at:)``): the other transactions' results must keep arriving meanwhile.
    func noteOutage(_ label: String, affecting affected: Set<String>, from start: Date, to end: Date = Date()) {
        state.withLock {
            $0.outages.append(ChaosOutage(label: label, affected: affected, start: start, end: end))
            $0.faultEnds.append(end)
        }
    }

    var outages: [ChaosOutage] { state.withLock { $0.outages } }

    // MARK: Load

    /// Submits the load: each transaction's captures in order, transactions spread evenly over
    /// the profile's load duration.
    func submitLoad() async throws {
        let pause = profile.loadDuration / max(flows.count, 1)
        for index in flows.indices {
            for capture in captures[(index * 3)..<(index * 3 + 3)] { try await harness.submit(capture) }
            try await Task.sleep(for: pause)
        }
    }

    /// Submits a poison event: it must be dead-lettered, nothing else.
    func submitPoison(key: String?, value: [UInt8]) async throws {
        try await harness.submitRaw(key: key, value: value)
        state.withLock { $0.poisonCount += 1 }
    }

    var poisonCount: Int { state.withLock { $0.poisonCount } }

    /// Waits until every capture of the load has a result; returns whether they all got one.
    @discardableResult
    func waitForAllResults(timeout: Duration) async throws -> Bool {
        let expected = Set(captures.map(\.eventId))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if expected.isSubset(of: Set(harness.decodedResults().map(\.causationId))) { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }
}
