import Foundation
import Observability
import Testing
import WorkerSettings

/// The tracing settings: sampler, schedule, and the `OTEL_*` values swift-otel would read from the
/// environment but cannot serve (it would stop the worker with a fatal error) refused with a fix.
@Suite("Tracing configuration")
struct TracingConfigurationTests {
    private let minimal = [
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
        "VLENS_BASE_URL": "https://vlens.example.com",
        "VLENS_API_KEY": "key-123-secret",
    ]

    @Test("defaults: enabled, parent-based sampling, 2 s batches, no endpoint")
    func defaults() async throws {
        let tracing = try await WorkerConfiguration.load(environment: minimal).tracing
        #expect(tracing.enabled && tracing.sampling == .parentBasedAlwaysOn && tracing.scheduleDelay == .seconds(2))
        #expect(tracing.otlpEndpoint == nil && tracing.serviceName == "vlens-worker")
    }

    @Test("spans go to the base endpoint plus /v1/traces, or to the traces endpoint as it is, which wins; nowhere with OTEL_TRACES_EXPORTER=none")
    func tracesURL() async throws {
        func url(_ settings: [String: String]) async throws -> String? {
            try await WorkerConfiguration.load(environment: minimal.merging(settings) { $1 }).tracing.tracesURL
        }
        #expect(try await url([:]) == nil)
        #expect(try await url(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"]) == "http://collector:4318/v1/traces")
        #expect(try await url(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector/otlp/traces"]) == "https://collector/otlp/traces")
        #expect(try await url([
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://other:4318/v1/traces",
        ]) == "http://other:4318/v1/traces")
        #expect(try await url(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_TRACES_EXPORTER": "none"]) == nil)
    }

    @Test("the sampler, its ratio, the schedule and OTEL_SDK_DISABLED load")
    func settingsLoad() async throws {
        let environment = minimal.merging([
            "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25",
            "OTEL_BSP_SCHEDULE_DELAY": "500", "OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_TRACES_EXPORTER": "none",
        ]) { $1 }
        let tracing = try await WorkerConfiguration.load(environment: environment).tracing
        #expect(tracing.sampling == .parentBasedTraceIDRatio(0.25))
        #expect(tracing.scheduleDelay == .milliseconds(500))
        #expect(!tracing.enabled)
    }

    @Test("values swift-otel cannot serve are refused, each naming its key and a fix", arguments: [
        ("OTEL_TRACES_SAMPLER", "jaeger_remote"), ("OTEL_TRACES_SAMPLER_ARG", "1.5"), ("OTEL_TRACES_EXPORTER", "zipkin"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"), ("OTEL_BSP_SCHEDULE_DELAY", "0"),
        ("OTEL_SDK_DISABLED", "maybe"),
    ])
    func refused(key: String, value: String) async throws {
        let error = try await #require(throws: ConfigurationError.self) {
            try await WorkerConfiguration.load(environment: minimal.merging([key: value]) { $1 })
        }
        #expect(error.problems.map(\.key) == [key])
        #expect(error.problems.allSatisfy { !$0.problem.isEmpty && !$0.fix.isEmpty })
    }
}
