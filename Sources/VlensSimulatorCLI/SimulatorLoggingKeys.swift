/// Metadata keys of the simulator executable's log lines.
enum SimulatorLoggingKeys {
    static let address = "address"
}
