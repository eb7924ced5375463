/// A setting the worker reads: its environment-variable name, its default as an operator would
/// write it, and what it means. ``ConfigurationKey/all`` is the catalog that
/// `vlens-worker config --keys` prints (JSON, or the Markdown table the README includes) and that
/// `scripts/validate-deploy` checks manifests against.
public struct ConfigurationKey: Sendable, Hashable, Encodable {
    /// The environment variable, e.g. `MAX_IN_FLIGHT`; in `CONFIG_FILE` its words nest (`{"max": {"in": {"flight": …}}}`).
    public let key: String
    /// The default, or `nil` when there is none (required keys, or keys that are off when unset).
    public let defaultValue: String?
    /// A secret: read from the environment or its `_FILE`, never logged.
    public let secret: Bool
    /// What it does (Markdown).
    public let meaning: String

    package init(_ key: String, default defaultValue: String?, secret: Bool, _ meaning: String) {
        self.key = key
        self.defaultValue = defaultValue
        self.secret = secret
        self.meaning = meaning
    }

    package enum CodingKeys: String, CodingKey {
        case key, secret, meaning
        case defaultValue = "default"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(defaultValue, forKey: .defaultValue)  // null when there is none
        try container.encode(secret, forKey: .secret)
        try container.encode(meaning, forKey: .meaning)
    }

    /// Prefixes of key families: `KAFKA_PROPERTY_<NAME>` and `VLENS_TENANT_<NAME>_*`.
    public static let prefixes = ["KAFKA_PROPERTY_", "VLENS_TENANT_"]

    /// The catalog as the README's Markdown table.
    public static func markdownTable() -> String {
        var lines = ["| variable | default | meaning |", "|---|---|---|"]
        for entry in all {
            lines.append("| `\(entry.key)` | \(entry.defaultValue.map { "`\($0)`" } ?? "–") | \(entry.meaning) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
