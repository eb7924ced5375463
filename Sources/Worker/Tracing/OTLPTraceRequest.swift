import Tracing

/// The OTLP/HTTP JSON body of an export (`ExportTraceServiceRequest`): ids in hex, 64-bit
/// integers as strings, as the OTLP JSON encoding specifies.
struct OTLPTraceRequest: Encodable {
    var resourceSpans: [ResourceSpans]

    struct ResourceSpans: Encodable {
        var resource: Resource
        var scopeSpans: [ScopeSpans]
    }

    struct Resource: Encodable {
        var attributes: [KeyValue]
    }

    struct ScopeSpans: Encodable {
        var scope: Scope
        var spans: [OTLPSpan]
    }

    struct Scope: Encodable {
        var name: String
    }

    struct OTLPSpan: Encodable {
        var traceId: String
        var spanId: String
        var parentSpanId: String?
        var name: String
        var kind: Int
        var startTimeUnixNano: String
        var endTimeUnixNano: String
        var attributes: [KeyValue]
        var status: Status?
    }

    struct Status: Encodable {
        var code: Int
        var message: String?
    }

    struct KeyValue: Encodable {
        var key: String
        var value: AnyValue
    }

    struct AnyValue: Encodable {
        var stringValue: String?
        var intValue: String?
        var doubleValue: Double?
        var boolValue: Bool?
    }

    init(serviceName: String, spans: [FinishedSpan]) {
        resourceSpans = [
            ResourceSpans(
                resource: Resource(attributes: [KeyValue(key: "service.name", value: AnyValue(stringValue: serviceName))]),
                scopeSpans: [ScopeSpans(scope: Scope(name: "vlens-worker"), spans: spans.map(Self.span))]
            )
        ]
    }

    private static func span(_ span: FinishedSpan) -> OTLPSpan {
        var attributes: [KeyValue] = []
        span.attributes.forEach { key, value in attributes.append(KeyValue(key: key, value: anyValue(value))) }
        return OTLPSpan(
            traceId: span.traceParent.traceID,
            spanId: span.traceParent.spanID,
            parentSpanId: span.parentSpanID,
            name: span.name,
            kind: kind(span.kind),
            startTimeUnixNano: String(span.startNanoseconds),
            endTimeUnixNano: String(span.endNanoseconds),
            attributes: attributes.sorted { $0.key < $1.key },
            status: span.status.map { Status(code: $0.code == .ok ? 1 : 2, message: $0.message) }
        )
    }

    private static func kind(_ kind: SpanKind) -> Int {
        switch kind {
        case .internal: 1
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        }
    }

    private static func anyValue(_ attribute: SpanAttribute) -> AnyValue {
        switch attribute {
        case .int32(let value): AnyValue(intValue: String(value))
        case .int64(let value): AnyValue(intValue: String(value))
        case .double(let value): AnyValue(doubleValue: value)
        case .bool(let value): AnyValue(boolValue: value)
        case .string(let value): AnyValue(stringValue: value)
        default: AnyValue(stringValue: "\(attribute)")
        }
    }
}
