import Foundation

/// How hard the chaos suite pushes: `short` in CI (`make test`), `full` with `make chaos`
/// (`CHAOS_PROFILE=full`).
struct ChaosProfile: Sendable {
    var name: String
    /// Transactions per scenario (three captures each).
    var transactions: Int
    /// How long the load is spread over.
    var loadDuration: Duration
    /// Workers SIGKILLed in the crash scenario, one every `killInterval`.
    var kills: Int
    var killInterval: Duration
    var brokerStall: Duration
    var vlensOutage: Duration
    /// How long one tenant's Vlens answers 503 in the tenant-outage scenario.
    var tenantOutage: Duration
    /// How long the claim-check image host answers 503 in the image-host-outage scenario.
    var imageHostOutage: Duration
    /// How long PostgreSQL drops and refuses the workers' connections in the store-outage scenario.
    var storeOutage: Duration
    /// Fuzzed poison events in the poison scenario.
    var poisonEvents: Int

    static let short = ChaosProfile(
        name: "short", transactions: 30, loadDuration: .seconds(20), kills: 2, killInterval: .seconds(10),
        brokerStall: .seconds(10), vlensOutage: .seconds(20), tenantOutage: .seconds(20), imageHostOutage: .seconds(20),
        storeOutage: .seconds(20), poisonEvents: 40)
    static let full = ChaosProfile(
        name: "full", transactions: 120, loadDuration: .seconds(60), kills: 3, killInterval: .seconds(20),
        brokerStall: .seconds(20), vlensOutage: .seconds(60), tenantOutage: .seconds(60), imageHostOutage: .seconds(60),
        storeOutage: .seconds(60), poisonEvents: 200)

    /// The profile `CHAOS_PROFILE` names; its name says "mock" when the suite runs on the services'
    /// mock cluster (`KAFKA_BOOTSTRAP_SERVERS` set to `KAFKA_MOCK_BOOTSTRAP_SERVERS`), so the two
    /// passes of `make test` stay apart in the report.
    static var current: ChaosProfile {
        let environment = ProcessInfo.processInfo.environment
        var profile = environment["CHAOS_PROFILE"] == "full" ? ChaosProfile.full : .short
        if let mock = environment["KAFKA_MOCK_BOOTSTRAP_SERVERS"], !mock.isEmpty, environment["KAFKA_BOOTSTRAP_SERVERS"] == mock {
            profile.name += ", mock"
        }
        return profile
    }
}
