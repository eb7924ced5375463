import ArgumentParser
import Foundation
import Kafka
import Logging
import Processing
import ProcessingTesting

/// Measures the engine's own cost: an in-memory source and a handler that returns at once.
struct BenchOverheadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-overhead")

    @Option var records: Int = 500_000
    @Option var keys: Int = 10_000
    @Option var partitions: Int = 1
    @Option var maxInFlight: Int = 256

    struct Handler: ProcessingHandler {
        func handle(_ record: InMemoryRecord) async throws -> [Never] { [] }
    }

    func run() async throws {
        let log = InMemoryLog(topic: "bench", partitionCount: partitions)
        for index in 0..<records {
            log.append(partition: Int32(index % partitions), key: Array("key-\(index % keys)".utf8), value: Array(repeating: 0, count: 100))
        }
        var configuration = ProcessingConfiguration()
        configuration.maxInFlightRecords = maxInFlight
        configuration.commitInterval = .milliseconds(100)
        let engine = ProcessingEngine(
            source: InMemoryProcessingSource(log: log), handler: Handler(), configuration: configuration,
            logger: Logger(label: "bench-overhead"))
        let lastOffsets = log.partitions.map { ($0, log.records(in: $0).last!.offset + 1) }
        let cpuBefore = CPUTime.now()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            while !lastOffsets.allSatisfy({ log.committedOffset($0.0) == $0.1 }) {
                try await Task.sleep(for: .milliseconds(5))
            }
            engine.beginShutdown()
            try await group.next()
        }
        let wall = (ContinuousClock.now - start).seconds
        let cpu = CPUTime.now() - cpuBefore
        print(
            String(
                format: "overhead records=%d keys=%d partitions=%d wall=%.2fs cpu=%.2fs records/s=%.0f records/cpu-s=%.0f",
                records, keys, partitions, wall, cpu, Double(records) / wall, Double(records) / cpu))
    }
}
