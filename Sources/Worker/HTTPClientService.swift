import AsyncHTTPClient
import ServiceLifecycle

/// The HTTP client shared by Vlens calls, claim-check fetches and the trace exporter, shut down
/// when the group stops (after the services that use it).
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
