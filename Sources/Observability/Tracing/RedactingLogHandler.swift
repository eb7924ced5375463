import Logging

/// A log handler that passes everything on to another, except the values of the named metadata
/// keys, which it replaces with `<redacted>`. swift-otel's diagnostic logs name the `OTEL_*`
/// variables they read together with their values, and `OTEL_EXPORTER_OTLP_HEADERS` may hold a
/// collector's credentials.
struct RedactingLogHandler: LogHandler {
    var base: any LogHandler
    let redactedKeys: Set<String>

    static let redactedValue: Logger.MetadataValue = "<redacted>"

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = redacted(newValue) }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = redactedKeys.contains(key) ? newValue.map { _ in Self.redactedValue } : newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.metadata = event.metadata.map(redacted)
        base.log(event: event)
    }

    private func redacted(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var metadata = metadata
        for key in redactedKeys where metadata[key] != nil { metadata[key] = Self.redactedValue }
        return metadata
    }
}

extension Logger {
    /// This logger, with swift-otel's environment values (`environment_value`, `previous_value`,
    /// `new_value`) redacted.
    var redactingOTelEnvironmentValues: Logger {
        let base = handler
        return Logger(label: label) { _ in
            RedactingLogHandler(base: base, redactedKeys: ["environment_value", "previous_value", "new_value"])
        }
    }
}
