import ArgumentParser

@main
struct VlensSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vlens-simulator",
        abstract: "A Vlens Digital Identity simulator (not implemented yet: see issue 4)."
    )

    func run() async throws {
        throw ValidationError("the simulator is not implemented yet")
    }
}
