import ArgumentParser

@main
struct VlensWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vlens-worker",
        abstract: "Consumes capture-submitted events, runs the Vlens Digital Identity steps in order per transaction, and publishes verification results.",
        subcommands: [RunCommand.self, ConfigCommand.self, MetricsCommand.self, TopicsCommand.self, SubmitCommand.self, WatchCommand.self, ReplayCommand.self, RedriveCommand.self, ParkedCommand.self],
        defaultSubcommand: RunCommand.self
    )
}
