import ArgumentParser

/// The options replay and redrive share.
struct ScanOptions: ParsableArguments {
    @Flag(help: "Scan and report; publish nothing.")
    var dryRun = false

    @Option(help: "Seconds without a new record after which a partition counts as read to its end.")
    var idleTimeout: Int = 5
}
