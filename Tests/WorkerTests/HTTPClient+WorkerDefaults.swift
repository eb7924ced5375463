import AsyncHTTPClient
@testable import Worker
import WorkerSettings

extension HTTPClient {
    /// A client configured as the worker configures its own from a minimal environment (default
    /// time-outs, no redirects); shut it down after use.
    static func workerDefaults() async throws -> HTTPClient {
        let configuration = try await WorkerConfiguration.load(environment: [
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092", "VLENS_BASE_URL": "https://vlens.example.com", "VLENS_API_KEY": "k",
        ])
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: WorkerApplication.httpClientConfiguration(vlens: configuration.vlens))
    }
}
