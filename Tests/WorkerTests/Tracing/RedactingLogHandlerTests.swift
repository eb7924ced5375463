import Logging
import TestSupport
import Testing
@testable import Observability

/// swift-otel's diagnostic logs carry the `OTEL_*` values they read; the worker's copy of that
/// logger redacts them (`OTEL_EXPORTER_OTLP_HEADERS` may hold a collector's credentials).
@Suite("Redacting log handler")
struct RedactingLogHandlerTests {
    @Test("environment values are redacted, set as metadata or passed with the message; other metadata passes")
    func redacts() {
        let logs = CapturedLogs()
        var logger = Logger(label: "test") { _ in CapturingLogHandler(store: logs) }.redactingOTelEnvironmentValues
        logger[metadataKey: "environment_key"] = "OTEL_EXPORTER_OTLP_HEADERS"
        logger[metadataKey: "environment_value"] = "authorization=Bearer secret-token"
        logger.warning("Failed to update configuration from environment", metadata: ["new_value": "secret-token", "hint": "format"])
        let event = try! #require(logs.entries.first).metadata
        #expect(event["environment_key"] == "OTEL_EXPORTER_OTLP_HEADERS")
        #expect(event["environment_value"] == "<redacted>")
        #expect(event["new_value"] == "<redacted>")
        #expect(event["hint"] == "format")
        #expect(!event.values.contains { "\($0)".contains("secret-token") })
    }
}
