import AsyncHTTPClient
import Testing
@testable import Worker
import WorkerSettings

@Suite("Worker HTTP client")
struct WorkerHTTPClientTests {
    @Test("the shared HTTP client's pool allows VLENS_MAX_CONNECTIONS connections per host")
    func poolFollowsMaxConnections() async throws {
        let configuration = try await WorkerConfiguration.load(environment: [
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
            "VLENS_BASE_URL": "https://vlens.example.com",
            "VLENS_API_KEY": "key-123-secret",
            "VLENS_MAX_CONNECTIONS": "300",
        ])
        let http = WorkerApplication.httpClientConfiguration(vlens: configuration.vlens)
        #expect(http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit == 300)
    }

    @Test("the default pool matches the documented VLENS_MAX_CONNECTIONS default (MAX_IN_FLIGHT), not AsyncHTTPClient's 8")
    func defaultPool() async throws {
        let configuration = try await WorkerConfiguration.load(environment: [
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
            "VLENS_BASE_URL": "https://vlens.example.com",
            "VLENS_API_KEY": "key-123-secret",
        ])
        let http = WorkerApplication.httpClientConfiguration(vlens: configuration.vlens)
        #expect(http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit == configuration.processing.maxInFlight)
        #expect(configuration.processing.maxInFlight == 256)
    }
}
