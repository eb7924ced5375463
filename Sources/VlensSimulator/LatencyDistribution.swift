import Foundation

/// How long the simulator waits before answering a Vlens call.
///
/// JSON form (admin endpoint): `{"distribution":"none"}`, `{"distribution":"fixed","ms":50}`,
/// `{"distribution":"uniform","min_ms":10,"max_ms":90}`, `{"distribution":"lognormal","p50_ms":80,"p99_ms":600}`.
public struct LatencyDistribution: Sendable, Hashable, Codable, CustomStringConvertible {
    enum Kind: String, Codable { case none, fixed, uniform, lognormal }

    var kind: Kind
    var first: Double
    var second: Double

    /// No injected latency.
    public static let none = LatencyDistribution(kind: .none, first: 0, second: 0)
    /// Always `milliseconds`.
    public static func fixed(milliseconds: Double) -> Self { .init(kind: .fixed, first: milliseconds, second: 0) }
    /// Uniform between the two bounds.
    public static func uniform(minMilliseconds: Double, maxMilliseconds: Double) -> Self {
        .init(kind: .uniform, first: minMilliseconds, second: max(minMilliseconds, maxMilliseconds))
    }
    /// Log-normal with the given median and 99th percentile.
    public static func logNormal(p50Milliseconds: Double, p99Milliseconds: Double) -> Self {
        .init(kind: .lognormal, first: p50Milliseconds, second: max(p50Milliseconds, p99Milliseconds))
    }

    /// Parses the command-line form: `none`, `fixed:MS`, `uniform:MIN-MAX`, `lognormal:P50,P99`.
    public init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        let numbers = parts.count > 1 ? parts[1].split(whereSeparator: { $0 == "," || $0 == "-" }).compactMap { Double($0) } : []
        switch (parts.first, numbers.count) {
        case ("none", _): self = .none
        case ("fixed", 1): self = .fixed(milliseconds: numbers[0])
        case ("uniform", 2): self = .uniform(minMilliseconds: numbers[0], maxMilliseconds: numbers[1])
        case ("lognormal", 2): self = .logNormal(p50Milliseconds: numbers[0], p99Milliseconds: numbers[1])
        default: return nil
        }
    }

    private init(kind: Kind, first: Double, second: Double) {
        self.kind = kind
        self.first = max(0, first)
        self.second = max(0, second)
    }

    /// Draws one delay.
    public func sample() -> Duration {
        let milliseconds: Double
        switch kind {
        case .none: return .zero
        case .fixed: milliseconds = first
        case .uniform: milliseconds = first == second ? first : Double.random(in: first...second)
        case .lognormal:
            // ln X ~ N(mu, sigma): median = e^mu, p99 = e^(mu + 2.3263 sigma).
            let mu = log(max(first, 0.001))
            let sigma = (log(max(second, 0.001)) - mu) / 2.3263
            let u1 = Double.random(in: Double.ulpOfOne..<1)
            let u2 = Double.random(in: 0..<1)
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            milliseconds = exp(mu + sigma * normal)
        }
        return .microseconds(Int64(milliseconds * 1000))
    }

    public var description: String {
        switch kind {
        case .none: "none"
        case .fixed: "fixed:\(first)"
        case .uniform: "uniform:\(first)-\(second)"
        case .lognormal: "lognormal:\(first),\(second)"
        }
    }

    enum CodingKeys: String, CodingKey {
        case distribution, ms, minMs = "min_ms", maxMs = "max_ms", p50Ms = "p50_ms", p99Ms = "p99_ms"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(Kind.self, forKey: .distribution)
        switch kind {
        case .none: self = .none
        case .fixed: self = .fixed(milliseconds: try container.decode(Double.self, forKey: .ms))
        case .uniform:
            self = .uniform(
                minMilliseconds: try container.decode(Double.self, forKey: .minMs),
                maxMilliseconds: try container.decode(Double.self, forKey: .maxMs))
        case .lognormal:
            self = .logNormal(
                p50Milliseconds: try container.decode(Double.self, forKey: .p50Ms),
                p99Milliseconds: try container.decode(Double.self, forKey: .p99Ms))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .distribution)
        switch kind {
        case .none: break
        case .fixed: try container.encode(first, forKey: .ms)
        case .uniform:
            try container.encode(first, forKey: .minMs)
            try container.encode(second, forKey: .maxMs)
        case .lognormal:
            try container.encode(first, forKey: .p50Ms)
            try container.encode(second, forKey: .p99Ms)
        }
    }
}
