import VlensAPI
import ArgumentParser
import Foundation
import VlensSimulator

extension VlensSimulatorCommand {
    /// The simulator's configuration from the flags and `VLENS_API_KEY`.
    func simulatorConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> SimulatorConfiguration
    {
        var keys = Set(apiKeys)
        if let fromEnvironment = environment["VLENS_API_KEY"], !fromEnvironment.isEmpty { keys.insert(fromEnvironment) }
        guard !keys.isEmpty else { throw ValidationError("give an ApiKey with --api-key or VLENS_API_KEY") }
        guard let latency = LatencyDistribution(argument: latency) else {
            throw ValidationError("--latency must be none, fixed:MS, uniform:MIN-MAX or lognormal:P50,P99")
        }
        var tokens = bearerTokens.enumerated().map { index, argument in
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            return SimulatorToken(token: parts[0], emailOrPhoneNumber: parts.count > 1 ? parts[1] : "user-\(index + 1)")
        }
        tokens += adminTokens.map { SimulatorToken(token: $0, emailOrPhoneNumber: "admin", isAdmin: true) }
        let faults = SimulatorFaults(
            latency: latency,
            error500Rate: error500Rate, error503Rate: error503Rate,
            error429Rate: error429Rate, error429NoRetryAfterRate: error429NoRetryAfterRate,
            retryAfterSeconds: retryAfterSeconds, hangRate: hangRate, resetRate: resetRate,
            rateLimit: RateLimit(perSecond: try Self.limit(rateLimitRps), perMinute: try Self.limit(rateLimitRpm)))
        return SimulatorConfiguration(
            host: host, port: port, apiKeys: keys, tokens: tokens,
            tenantRequiresAuthorityChecks: tenantRequiresAuthorityChecks, faults: faults,
            maxStoredImageBytes: max(1, maxImageStoreMib) << 20)
    }

    static func limit(_ argument: String) throws -> Double? {
        if argument == "unlimited" { return nil }
        guard let value = Int(argument), value > 0 else {
            throw ValidationError("a rate limit is a positive number or 'unlimited', not '\(argument)'")
        }
        return Double(value)
    }
}
