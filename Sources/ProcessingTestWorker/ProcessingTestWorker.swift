import ArgumentParser

/// Runs the processing engine outside the test process: as a group member for the broker
/// integration test (which SIGKILLs it) and for the engine benchmarks.
@main
struct ProcessingTestWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Processing engine test worker and benchmarks.",
        subcommands: [ProduceCommand.self, ConsumeCommand.self, BenchKafkaCommand.self, BenchOverheadCommand.self])
}
