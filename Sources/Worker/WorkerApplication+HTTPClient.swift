import AsyncHTTPClient
import NIOCore
import WorkerSettings

extension WorkerApplication {
    /// The configuration of the HTTP client shared by the Vlens calls and the claim-check fetches.
    ///
    /// Its pool allows `VLENS_MAX_CONNECTIONS` connections per host. AsyncHTTPClient's default is 8,
    /// and a request beyond the pool's limit waits for a free connection, so with the default the
    /// worker never had more than 8 captures in Vlens at once, whatever `MAX_IN_FLIGHT` said
    /// (docs/BENCHMARKS.md, "Worker end to end").
    ///
    /// Redirects are not followed: the claim-check allow-list and the private-address rule check
    /// the URL the event names, and a redirect from an allowed host must not lead the worker to a
    /// metadata or loopback address. Vlens's API does not redirect.
    static func httpClientConfiguration(vlens: WorkerConfiguration.Vlens) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: vlens.maxConnections)
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}
