import Foundation
import VlensSimulator

extension ScenarioRun {
    func figures(_ measured: Measured, ledger: SimulatorLedger) -> ScenarioFigures {
        let samples = measured.samples
        let count = samples.count
        let window = measured.windowEnd.timeIntervalSince(measured.windowStart)
        let callsByRequest = ledger.callsByRequestID
        let calls = samples.reduce(0) { $0 + (callsByRequest[$1.eventId] ?? 0) }
        let callsPerSecond = Double(calls) / window
        return ScenarioFigures(
            name: scenario.name,
            ordering: scenario.ordering,
            maxInFlight: scenario.maxInFlight,
            instances: scenario.instances,
            images: scenario.claimCheckURL == nil ? "inline" : "claim-check",
            store: scenario.storeURL.hasPrefix("postgres") ? "postgres" : "sqlite",
            partitions: scenario.partitions,
            outstanding: scenario.outstanding,
            latencyProfile: scenario.latencyProfile,
            nominalLatencyMs: scenario.latencyMs,
            rateLimitRps: scenario.rateLimitRps,
            windowSeconds: window,
            captures: count,
            capturesPerSecond: Double(count) / window,
            concurrency: scenario.concurrency,
            littleBound: scenario.littleBound,
            e2eP50Ms: percentile(samples.map(\.e2eMs), 0.5),
            e2eP99Ms: percentile(samples.map(\.e2eMs), 0.99),
            workerP50Ms: percentile(samples.map(\.workerMs), 0.5),
            cpuSecondsPer1000: count > 0 ? measured.cpuSeconds / Double(count) * 1000 : 0,
            contextSwitchesPerCapture: count > 0 ? Double(measured.contextSwitches) / Double(count) : 0,
            peakRSSMB: Double(measured.peakRSSBytes) / 1_048_576,
            peakInFlightMB: Double(measured.peakInFlightBytes) / 1_048_576,
            sampledPeakInFlightMB: Double(measured.sampledPeakInFlightBytes) / 1_048_576,
            meanInFlightRecords: measured.meanInFlightRecords,
            rssBudgetMB: 64 + 1.5 * Double(measured.peakInFlightBytes) / 1_048_576,
            machineBusyCores: measured.machineBusyCores,
            busyCoresByProcess: measured.busyCoresByProcess.merging(
                ["other": max(0, measured.machineBusyCores - measured.busyCoresByProcess.values.reduce(0, +))]) { a, _ in a },
            vlensCallsPerCapture: count > 0 ? Double(calls) / Double(count) : 0,
            responses429: ledger.rateLimitedCalls,
            rateShare: scenario.rateLimitRps.map { callsPerSecond / $0 },
            outcomes: Dictionary(grouping: samples, by: \.outcome).mapValues(\.count)
        )
    }
}
