import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Builds the worker's tracer on swift-otel, without touching the process-wide `InstrumentationSystem`:
/// the tracer goes to the capture handler, and the service (batching and export) into the worker's
/// service group, which flushes the last batch at shutdown.
///
/// With a URL, sampled spans are exported there over OTLP/HTTP (protobuf),
/// in batches; a refused or failed export is retried by the exporter, and spans beyond the queue
/// are dropped and logged, so export never slows the worker down. swift-otel also reads its standard
/// variables (`OTEL_EXPORTER_OTLP_*`, `OTEL_BSP_*`) from the environment. Without a URL, spans only
/// carry the trace on (``PropagatingTracer``): the same headers, with nothing recorded.
package enum TracingBackend {
    /// - Parameters:
    ///   - tracesURL: where to post spans, e.g. `http://otel-collector:4318/v1/traces`; nil exports nothing.
    ///   - scheduleDelay: how long ended spans wait before a batch is sent.
    package static func make(
        enabled: Bool = true, tracesURL: String?, serviceName: String, sampling: TraceSampling, scheduleDelay: Duration, logger: Logger
    ) throws -> (tracer: WorkerTracer, service: any Service) {
        guard enabled else { return (WorkerTracer(base: NoOpTracer()), IdleService()) }
        guard let tracesURL else { return (WorkerTracer(base: PropagatingTracer(sampling: sampling)), IdleService()) }
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.diagnosticLogger = .custom(logger.redactingOTelEnvironmentValues)
        configuration.diagnosticLogLevel = .warning
        configuration.propagators = [.traceContext]
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.sampler = sampling.sampler
        configuration.traces.batchSpanProcessor.scheduleDelay = scheduleDelay
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.endpoint = tracesURL
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        return (WorkerTracer(base: backend.factory), backend.service)
    }
}

extension TraceSampling {
    fileprivate var sampler: OTel.Configuration.TracesConfiguration.SamplerConfiguration {
        switch self {
        case .alwaysOn: .alwaysOn
        case .alwaysOff: .alwaysOff
        case .traceIDRatio(let ratio): .traceIDRatio(ratio: ratio) ?? .alwaysOn
        case .parentBasedAlwaysOn: .parentBasedAlwaysOn
        case .parentBasedAlwaysOff: .parentBasedAlwaysOff
        case .parentBasedTraceIDRatio(let ratio): .parentBasedTraceIDRatio(ratio: ratio) ?? .parentBasedAlwaysOn
        }
    }
}

/// The tracing service when tracing is off: it waits for the group to stop.
private struct IdleService: Service {
    func run() async throws {
        try? await gracefulShutdown()
    }
}
