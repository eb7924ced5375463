/// Which spans are recorded and exported, by OpenTelemetry's sampler names (`OTEL_TRACES_SAMPLER`,
/// with the ratio in `OTEL_TRACES_SAMPLER_ARG`). A span that is not sampled still propagates its
/// context, with the `sampled` flag cleared.
public enum TraceSampling: Sendable, Equatable {
    case alwaysOn
    case alwaysOff
    /// Roots (and children alike) sampled with this probability, by trace id.
    case traceIDRatio(Double)
    /// A capture's sampled flag decides; roots are sampled.
    case parentBasedAlwaysOn
    /// A capture's sampled flag decides; roots are not sampled.
    case parentBasedAlwaysOff
    /// A capture's sampled flag decides; roots are sampled with this probability.
    case parentBasedTraceIDRatio(Double)

    /// The default: follow the capture's flag, sample new traces.
    public static let `default` = TraceSampling.parentBasedAlwaysOn

    /// The names `OTEL_TRACES_SAMPLER` accepts.
    public static let names = [
        "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
    ]

    /// Reads a sampler name and its ratio (used by the two ratio samplers only); nil for an unknown name.
    public init?(name: String, ratio: Double) {
        switch name {
        case "always_on": self = .alwaysOn
        case "always_off": self = .alwaysOff
        case "traceidratio": self = .traceIDRatio(ratio)
        case "parentbased_always_on": self = .parentBasedAlwaysOn
        case "parentbased_always_off": self = .parentBasedAlwaysOff
        case "parentbased_traceidratio": self = .parentBasedTraceIDRatio(ratio)
        default: return nil
        }
    }

    /// The sampler's name, as `OTEL_TRACES_SAMPLER` spells it.
    public var name: String {
        switch self {
        case .alwaysOn: "always_on"
        case .alwaysOff: "always_off"
        case .traceIDRatio: "traceidratio"
        case .parentBasedAlwaysOn: "parentbased_always_on"
        case .parentBasedAlwaysOff: "parentbased_always_off"
        case .parentBasedTraceIDRatio: "parentbased_traceidratio"
        }
    }
}
