import ArgumentParser

/// `vlens-bench`: the load generator and driver behind `scripts/bench` (see docs/BENCHMARKS.md).
@main
struct VlensBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vlens-bench",
        abstract: "Drives real vlens-worker processes against the Vlens simulator and prints figures.",
        subcommands: [DriveCommand.self]
    )
}
