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
    ///
    /// A request's deadline (`VLENS_REQUEST_TIMEOUT_MS`) ends when the response's head arrives;
    /// reading the body is bounded by the read time-out, set to the same span: a host that sends
    /// the head and then stops fails the call (a retryable time-out) instead of holding it forever.
    static func httpClientConfiguration(vlens: WorkerConfiguration.Vlens) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.read = TimeAmount(vlens.requestTimeout)
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: vlens.maxConnections)
        configuration.redirectConfiguration = .disallow
        return configuration
    }
}
