import Tracing

/// The OTLP/HTTP JSON body of an export (`ExportTraceServiceRequest`): ids in hex, 64-bit
/// integers as strings, as the OTLP JSON encoding specifies.
package struct OTLPTraceRequest: Encodable {
    package var resourceSpans: [ResourceSpans]

    package struct ResourceSpans: Encodable {
        package var resource: Resource
        package var scopeSpans: [ScopeSpans]
    }

    package struct Resource: Encodable {
        package var attributes: [KeyValue]
    }

    package struct ScopeSpans: Encodable {
        package var scope: Scope
        package var spans: [OTLPSpan]
    }

    package struct Scope: Encodable {
        package var name: String
    }

    package struct OTLPSpan: Encodable {
        package var traceId: String
        package var spanId: String
        package var parentSpanId: String?
        package var name: String
        package var kind: Int
        package var startTimeUnixNano: String
        package var endTimeUnixNano: String
        package var attributes: [KeyValue]
        package var status: Status?
    }

    package struct Status: Encodable {
        package var code: Int
        package var message: String?
    }

    package struct KeyValue: Encodable {
        package var key: String
        package var value: AnyValue
    }

    package struct AnyValue: Encodable {
        package var stringValue: String?
        package var intValue: String?
        package var doubleValue: Double?
        package var boolValue: Bool?
    }

    package init(serviceName: String, spans: [FinishedSpan]) {
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
