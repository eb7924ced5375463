import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A stand-in OpenTelemetry collector on a real socket: it accepts OTLP/HTTP protobuf exports at
/// `/v1/traces`, can refuse the first ones with 503, and decodes the spans it kept.
final class OTLPCollector: Sendable {
    /// A span as exported: ids in lowercase hex.
    struct Span: Sendable {
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var traceState: String
        var name: String
        /// OTLP's `SpanKind`: 3 client, 5 consumer.
        var kind: Int
        var attributes: [String: String]
        var events: [Event]
        /// OTLP's `StatusCode`: 0 unset, 1 ok, 2 error.
        var statusCode: Int
        var statusMessage: String
        var serviceName: String
    }

    struct Event: Sendable {
        var name: String
        var attributes: [String: String]
    }

    private struct State {
        var bodies: [[UInt8]] = []
        var refusals = 0
        var requests = 0
        var contentTypes: Set<String> = []
    }

    private let state: Mutex<State>

    /// - Parameter refusing: how many exports to answer with 503 before accepting.
    init(refusing: Int = 0) {
        state = Mutex(State(refusals: refusing))
    }

    /// Export requests received, refused ones included.
    var requests: Int { state.withLock { $0.requests } }
    var contentTypes: Set<String> { state.withLock { $0.contentTypes } }

    /// Every span of every accepted export.
    func spans() throws -> [Span] {
        try state.withLock { $0.bodies }.flatMap(Self.decodeRequest)
    }

    /// Runs the collector until cancelled, calling `onPort` once it listens.
    func run(onPort: @escaping @Sendable (Int) async -> Void) async throws {
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            let refuse = self.state.withLock { state in
                state.requests += 1
                state.contentTypes.insert(request.headers[.contentType] ?? "")
                guard state.refusals == 0 else {
                    state.refusals -= 1
                    return true
                }
                state.bodies.append(Array(buffer: body))
                return false
            }
            if refuse { return Response(status: .serviceUnavailable, headers: [.retryAfter: "0"]) }
            // An empty ExportTraceServiceResponse: full success.
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer()))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: { await onPort($0.localAddress?.port ?? 0) })
        try await app.runService()
    }

    /// Runs a collector while `body` runs, passing its base URL.
    static func withRunning<T: Sendable>(refusing: Int = 0, _ body: (OTLPCollector, String) async throws -> T) async throws -> T {
        let collector = OTLPCollector(refusing: refusing)
        let port = BoundPort()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await collector.run { bound in port.value.withLock { $0 = bound } } }
            defer { group.cancelAll() }
            let deadline = ContinuousClock.now + .seconds(60)
            while port.value.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            guard let bound = port.value.withLock({ $0 }) else { throw CollectorDidNotStart() }
            return try await body(collector, "http://127.0.0.1:\(bound)")
        }
    }

    private final class BoundPort: Sendable {
        let value = Mutex<Int?>(nil)
    }

    struct CollectorDidNotStart: Error {}

    // MARK: - Decoding (field numbers from opentelemetry-proto's trace.proto and common.proto)

    private static func decodeRequest(_ body: [UInt8]) throws -> [Span] {
        try ProtobufWire.fields(body).filter { $0.0 == 1 }.flatMap { try decodeResourceSpans($0.1.bytes) }
    }

    private static func decodeResourceSpans(_ bytes: [UInt8]) throws -> [Span] {
        let fields = try ProtobufWire.fields(bytes)
        var serviceName = ""
        for (field, value) in fields where field == 1 {
            let resource = try attributes(try ProtobufWire.fields(value.bytes).filter { $0.0 == 1 })
            serviceName = resource["service.name"] ?? ""
        }
        return try fields.filter { $0.0 == 2 }.flatMap { scope in
            try ProtobufWire.fields(scope.1.bytes).filter { $0.0 == 2 }.map { try decodeSpan($0.1.bytes, serviceName: serviceName) }
        }
    }

    private static func decodeSpan(_ bytes: [UInt8], serviceName: String) throws -> Span {
        let fields = try ProtobufWire.fields(bytes)
        func first(_ number: Int) -> ProtobufWire.Value? { fields.first { $0.0 == number }?.1 }
        let status = try first(15).map { try ProtobufWire.fields($0.bytes) } ?? []
        return Span(
            traceID: first(1)?.hex ?? "", spanID: first(2)?.hex ?? "", parentSpanID: first(4)?.hex ?? "",
            traceState: first(3)?.string ?? "", name: first(5)?.string ?? "", kind: Int(first(6)?.integer ?? 0),
            attributes: try attributes(fields.filter { $0.0 == 9 }),
            events: try fields.filter { $0.0 == 11 }.map { event in
                let eventFields = try ProtobufWire.fields(event.1.bytes)
                return Event(name: eventFields.first { $0.0 == 2 }?.1.string ?? "", attributes: try attributes(eventFields.filter { $0.0 == 3 }))
            },
            statusCode: Int(status.first { $0.0 == 3 }?.1.integer ?? 0), statusMessage: status.first { $0.0 == 2 }?.1.string ?? "",
            serviceName: serviceName)
    }

    /// `KeyValue`s as text: strings as they are, integers and booleans in decimal.
    private static func attributes(_ keyValues: [(Int, ProtobufWire.Value)]) throws -> [String: String] {
        var attributes: [String: String] = [:]
        for (_, keyValue) in keyValues {
            let fields = try ProtobufWire.fields(keyValue.bytes)
            let key = fields.first { $0.0 == 1 }?.1.string ?? ""
            let value = try fields.first { $0.0 == 2 }.map { try ProtobufWire.fields($0.1.bytes) }?.first
            switch value {
            case (1, let text)?: attributes[key] = text.string
            case (2, let flag)?: attributes[key] = flag.integer == 0 ? "false" : "true"
            case (3, let number)?: attributes[key] = String(Int64(bitPattern: number.integer))
            case (4, let double)?: attributes[key] = String(Double(bitPattern: double.integer))
            default: attributes[key] = ""
            }
        }
        return attributes
    }
}
