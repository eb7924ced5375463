import AsyncHTTPClient
import Foundation
import Kafka
import Logging
import Verification

extension ScenarioRun {
    /// What the window saw.
    struct Measured: Sendable {
        var samples: [Sample]
        var windowStart: Date
        var windowEnd: Date
        /// CPU seconds of all workers over the window.
        var cpuSeconds: Double
        /// Context switches of all workers' threads over the window.
        var contextSwitches: Int
        /// The whole machine's busy cores over the window (all processes, the driver's too).
        var machineBusyCores: Double
        /// Busy cores over the window by process: `workers`, `driver` (this process: load and
        /// result consumer) and each watched process.
        var busyCoresByProcess: [String: Double]
        /// The largest worker's peak resident set at the window's end.
        var peakRSSBytes: Int
        /// The most record bytes one worker's engine held at once (`vlens_worker_in_flight_bytes_peak`), warm-up included.
        var peakInFlightBytes: Int
        /// The largest reading of the once-a-second `vlens_worker_in_flight_bytes`.
        var sampledPeakInFlightBytes: Int
        /// Records in flight in all workers together, mean over the window (`nil`: never scraped).
        var meanInFlightRecords: Double?
    }

    /// The driver's Kafka clients: a producer for captures, a consumer of the results. The consumer
    /// subscribes before the workers start, so its group join overlaps theirs.
    struct Clients: Sendable {
        var producer: KafkaProducer
        var consumer: KafkaConsumer

        init(scenario: Scenario, topics: BenchTopics, logger: Logger) throws {
            var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: scenario.bootstrapServers)
            producerConfiguration.clientID = "vlens-bench"
            producerConfiguration.messageMaxBytes = 64 << 20
            producer = try KafkaProducer(configuration: producerConfiguration, logger: logger)
            var consumerConfiguration = KafkaConsumerConfiguration(bootstrapServers: scenario.bootstrapServers, groupID: topics.resultGroup)
            consumerConfiguration.sessionTimeout = .seconds(6)
            consumerConfiguration.heartbeatInterval = .seconds(1)
            consumerConfiguration.autoOffsetReset = .earliest
            consumer = try KafkaConsumer(configuration: consumerConfiguration, logger: logger)
            try consumer.subscribe(topics: [topics.results])
        }
    }

    /// CPU seconds so far of this process (`driver`) and of each watched process, by name.
    private func otherProcessesCPU() -> [String: Double] {
        var seconds: [String: Double] = [:]
        if let own = ProcSample(pid: getpid()) { seconds["driver"] = own.cpuSeconds }
        for (name, pid) in scenario.watchedProcesses {
            if let sample = ProcSample(pid: pid) { seconds[name] = sample.cpuSeconds }
        }
        return seconds
    }

    /// Keeps `outstanding` captures waiting, answers each result with the transaction's next capture,
    /// and samples the workers' CPU time at the window's edges.
    func measure(workers: [WorkerProcess], clients: Clients, builder: CaptureBuilder, runID: String, httpClient: HTTPClient) async throws -> Measured {
        let producer = clients.producer
        let consumer = clients.consumer
        let state = Shared(LoopState(load: ClosedLoopLoad(runID: runID)))
        let (outgoing, queue) = AsyncStream.makeStream(of: KafkaOutgoingRecord.self)
        /// Builds and queues `next`, unless the window has closed.
        @Sendable func send(_ next: ClosedLoopLoad.Next) throws {
            var built = try builder.build(transactionId: next.transactionId, step: next.step, person: next.person)
            built.record.partition = scenario.keySkew?.partition(of: next.transactionId, partitions: scenario.partitions)
            let stopping = state.withLock { state in
                if !state.stopping { state.load.sent(next, eventId: built.eventId, at: built.submittedAt) }
                return state.stopping
            }
            if !stopping { queue.yield(built.record) }
        }

        let started = Date()
        let windowStart = started.addingTimeInterval(scenario.warmup)
        let windowEnd = windowStart.addingTimeInterval(scenario.duration)
        // The sender, the result loop and the in-flight probe are unstructured on purpose: they are left
        // behind, cancelled, when the window closes: a cancelled
        // `consumer.events` or a pending delivery must not hold the run (the process exits after it).
        let sender = Task {
            try await withThrowingDiscardingTaskGroup { sends in
                for await record in outgoing { sends.addTask { _ = try await producer.send(record) } }
            }
        }
        let results = Task {
            for try await event in consumer.events {
                switch event {
                case .record(let record):
                    guard let result = try? VerificationResult.decode(record.value) else { continue }
                    let next: ClosedLoopLoad.Next? = state.withLock { state in
                        guard let resolved = state.load.resolved(result.causationId) else { return nil }
                        let (done, next) = resolved
                        let completed = result.timings.completedAt.date
                        state.samples.append(Sample(
                            eventId: result.causationId, completedAt: completed,
                            e2eMs: completed.timeIntervalSince(done.submittedAt) * 1000,
                            workerMs: Double(result.timings.totalMs), outcome: "\(result.outcome)"))
                        return state.stopping ? nil : next
                    }
                    if let next { try send(next) }
                case .revoked(let revocation):
                    revocation.acknowledge()
                case .assigned:
                    break
                }
            }
        }
        let inFlight = InFlightProbe(ports: workers.map(\.httpPort), httpClient: httpClient)
        let probe = Task { await inFlight.run() }
        defer {
            results.cancel()
            sender.cancel()
            probe.cancel()
        }
        for _ in 0..<scenario.outstanding {
            try send(state.withLock { $0.load.newTransaction() })
        }
        try await Task.sleep(for: .seconds(windowStart.timeIntervalSinceNow))
        let startSamples = workers.compactMap(\.sample)
        let cpuAtStart = startSamples.map(\.cpuSeconds).reduce(0, +)
        let machineAtStart = MachineCPU.busySeconds()
        let othersAtStart = otherProcessesCPU()
        progress("window open")
        try await Task.sleep(for: .seconds(windowEnd.timeIntervalSinceNow))
        let endSamples = workers.compactMap(\.sample)
        let machineAtEnd = MachineCPU.busySeconds()
        let othersAtEnd = otherProcessesCPU()
        guard endSamples.count == workers.count else { throw BenchError("a worker exited during the window; see \(scenario.logDirectory.path)") }
        let cpuAtEnd = endSamples.map(\.cpuSeconds).reduce(0, +)
        var busyCores = ["workers": (cpuAtEnd - cpuAtStart) / scenario.duration]
        for (name, atEnd) in othersAtEnd {
            if let atStart = othersAtStart[name] { busyCores[name] = (atEnd - atStart) / scenario.duration }
        }
        // Let results completed inside the window arrive (delivery and the consumer's fetch).
        try await Task.sleep(for: .milliseconds(1500))
        state.withLock { $0.stopping = true }
        queue.finish()
        let samples = state.withLock { $0.samples }.filter { $0.completedAt >= windowStart && $0.completedAt < windowEnd }
        progress("window closed: \(samples.count) results in it")
        return Measured(
            samples: samples, windowStart: windowStart, windowEnd: windowEnd, cpuSeconds: cpuAtEnd - cpuAtStart,
            contextSwitches: endSamples.map(\.contextSwitches).reduce(0, +) - startSamples.map(\.contextSwitches).reduce(0, +),
            machineBusyCores: (machineAtEnd - machineAtStart) / scenario.duration, busyCoresByProcess: busyCores,
            peakRSSBytes: endSamples.map(\.peakRSSBytes).max() ?? 0, peakInFlightBytes: inFlight.peak.withLock { $0 },
            sampledPeakInFlightBytes: inFlight.sampledPeak.withLock { $0 },
            meanInFlightRecords: inFlight.meanRecords(from: windowStart, to: windowEnd))
    }
}
