import ArgumentParser

@main
struct VlensWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vlens-worker",
        abstract: "Consumes capture-submitted events and runs the Vlens Digital Identity steps (not implemented yet)."
    )

    func run() async throws {
        throw ValidationError("the worker is not implemented yet")
    }
}
