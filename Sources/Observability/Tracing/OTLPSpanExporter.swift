import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Exports ended spans to an OpenTelemetry collector over OTLP/HTTP with JSON bodies
/// (`POST {endpoint}/v1/traces`), in batches, every `interval` and at shutdown.
///
/// Export never slows the worker down: spans wait in a bounded queue, and when the collector is
/// slow or down the oldest are dropped and counted, and a failed export is logged and dropped.
public final class OTLPSpanExporter: Service, Sendable {
    package let tracesURL: String
    package let serviceName: String
    package let httpClient: HTTPClient
    package let logger: Logger
    package let interval: Duration
    package let maxQueued: Int
    private let queue = Mutex<[FinishedSpan]>([])
    private let dropped = Atomic<Int>(0)

    /// - Parameter endpoint: the collector's base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`), e.g. `http://otel-collector:4318`.
    public init(endpoint: URL, serviceName: String, httpClient: HTTPClient, logger: Logger, interval: Duration = .seconds(2), maxQueued: Int = 8192) {
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.tracesURL = base + "/v1/traces"
        self.serviceName = serviceName
        self.httpClient = httpClient
        self.logger = logger
        self.interval = interval
        self.maxQueued = maxQueued
    }

    package func enqueue(_ span: FinishedSpan) {
        let overflow = queue.withLock { queue in
            queue.append(span)
            guard queue.count > maxQueued else { return false }
            queue.removeFirst(queue.count - maxQueued)
            return true
        }
        if overflow { dropped.add(1, ordering: .relaxed) }
    }

    /// Spans dropped because the queue was full.
    public var droppedSpans: Int { dropped.load(ordering: .relaxed) }

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            try? await Task.sleep(for: interval)
            await exportQueued()
        }
        await exportQueued()
    }

    private func exportQueued() async {
        let spans = queue.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
        guard !spans.isEmpty else { return }
        for batch in stride(from: 0, to: spans.count, by: 512).map({ Array(spans[$0..<min($0 + 512, spans.count)]) }) {
            do {
                var request = HTTPClientRequest(url: tracesURL)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(OTLPTraceRequest(serviceName: serviceName, spans: batch))))
                let response = try await httpClient.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 20)
                guard (200..<300).contains(response.status.code) else {
                    logger.warning("span export refused by the collector", metadata: [WorkerLoggingKeys.httpStatus: "\(response.status.code)", WorkerLoggingKeys.spans: "\(batch.count)"])
                    continue
                }
            } catch {
                logger.warning("span export failed", metadata: [WorkerLoggingKeys.error: "\(type(of: error))", WorkerLoggingKeys.spans: "\(batch.count)"])
            }
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the current task is cancelled or its service group is shutting down.
    fileprivate static var isCancelledOrShuttingDown: Bool {
        isCancelled || isShuttingDownGracefully
    }
}
