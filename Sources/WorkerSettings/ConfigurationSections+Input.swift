import Observability
import Foundation
import Resilience
import VlensAPI
import Workflow

extension WorkerConfiguration.Input {
    /// `MAX_EVENT_BYTES`, `DEAD_LETTER_MAX_VALUE_BYTES`, `CLAIM_CHECK_*`, `MAX_IMAGE_BYTES`, `INCLUDE_EXTRACTED_DATA`.
    init(reading source: inout ConfigSource) {
        self.init()
        // The producer's `message.max.bytes` is this plus 1 MiB (dead letters carry the event), and
        // librdkafka takes at most 1,000,000,000 there.
        self.maxEventBytes = source.int("MAX_EVENT_BYTES", default: self.maxEventBytes, range: 1024...(1_000_000_000 - (1 << 20)))
        self.maxDeadLetterValueBytes = source.raw("DEAD_LETTER_MAX_VALUE_BYTES").map { _ in
            source.int("DEAD_LETTER_MAX_VALUE_BYTES", default: DeadLetterLimit.fallbackValueBytes, range: 0...1 << 30)
        }
        let schemes = source.list("CLAIM_CHECK_ALLOWED_SCHEMES").map { $0.lowercased() }
        if let unknown = schemes.first(where: { $0 != "https" && $0 != "http" }) {
            source.report("CLAIM_CHECK_ALLOWED_SCHEMES", "contains the unsupported scheme \"\(unknown)\"", fix: "list only https and/or http")
        }
        let defaults = ClaimCheckPolicy()
        self.claimCheck = ClaimCheckPolicy(
            allowedSchemes: schemes.isEmpty ? defaults.allowedSchemes : Set(schemes),
            allowedHosts: Self.allowedHosts(reading: &source),
            allowPrivateAddresses: source.bool("CLAIM_CHECK_ALLOW_PRIVATE_ADDRESSES", default: defaults.allowPrivateAddresses),
            maxImageBytes: source.int("MAX_IMAGE_BYTES", default: defaults.maxImageBytes, range: 1024...1 << 30)
        )
        self.includeExtractedData = source.bool("INCLUDE_EXTRACTED_DATA", default: includeExtractedData)
    }

    /// `CLAIM_CHECK_ALLOWED_HOSTS`: host names or `.suffix` entries; a URL, a port, a path or a
    /// space in an entry would match no image's host, so it is reported instead of never matching.
    private static func allowedHosts(reading source: inout ConfigSource) -> [String] {
        let hosts = source.list("CLAIM_CHECK_ALLOWED_HOSTS")
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-[]:".utf8)
        // One colon is a port; IPv6 literals have two or more.
        for host in hosts where host.contains("/") || !host.utf8.allSatisfy(allowed.contains) || host.filter({ $0 == ":" }).count == 1 {
            source.report(
                "CLAIM_CHECK_ALLOWED_HOSTS", "has an entry that is not a host name (\(host.contains("://") ? "a URL" : "a port, path or other character"))",
                fix: "list bare host names, e.g. images.example.com or .cdn.example.com (IPv6 in brackets)")
            break
        }
        return hosts
    }
}

extension WorkerConfiguration.Tracing {
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`,
    /// `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_SDK_DISABLED`; checks `OTEL_TRACES_EXPORTER` and the OTLP protocol.
    init(reading source: inout ConfigSource) {
        self.init()
        self.otlpEndpoint = source.url("OTEL_EXPORTER_OTLP_ENDPOINT", schemes: ["http", "https"])
        self.otlpTracesEndpoint = source.url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", schemes: ["http", "https"])
        self.serviceName = source.string("OTEL_SERVICE_NAME", default: self.serviceName)
        self.scheduleDelay = source.milliseconds("OTEL_BSP_SCHEDULE_DELAY", default: scheduleDelay, range: 10...60_000)
        var ratio = 1.0
        if let text = source.raw("OTEL_TRACES_SAMPLER_ARG") {
            if let value = Double(text), (0...1).contains(value) {
                ratio = value
            } else {
                source.report("OTEL_TRACES_SAMPLER_ARG", "is not a ratio between 0 and 1", fix: "set the share of traces to sample, e.g. 0.25, or unset it for 1")
            }
        }
        self.enabled = !source.bool("OTEL_SDK_DISABLED", default: false)
        // swift-otel reads these from the environment as well; values it cannot serve would stop
        // the worker at start with a fatal error, so they are refused here with a fix.
        if let exporter = source.raw("OTEL_TRACES_EXPORTER") {
            if !["otlp", "none"].contains(exporter.lowercased()) {
                source.report("OTEL_TRACES_EXPORTER", "is \"\(exporter)\"; this worker exports traces over OTLP only", fix: "use otlp, or none to export nothing")
            }
            self.exports = exporter.lowercased() != "none"
        }
        for key in ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] {
            guard let value = source.raw(key), value != "http/protobuf" else { continue }
            source.report(
                key, "is \"\(value)\"; this worker speaks OTLP over HTTP with protobuf bodies only (gRPC is not built in, and swift-otel's JSON writes ids in base64 where OTLP/JSON wants hex)",
                fix: "use http/protobuf, or unset it")
        }
        let name = source.string("OTEL_TRACES_SAMPLER", default: sampling.name)
        if let sampling = TraceSampling(name: name, ratio: ratio) {
            self.sampling = sampling
        } else {
            source.report("OTEL_TRACES_SAMPLER", "is not a sampler this worker knows", fix: "use one of \(TraceSampling.names.joined(separator: ", "))")
        }
    }
}
