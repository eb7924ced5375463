import Configuration
import Foundation
import Verification

/// Reads raw configuration values by environment-variable name and collects every problem,
/// so start-up reports all bad keys at once.
///
/// Values are read as strings and parsed here, so a malformed number is an error that names
/// the key rather than a silent fallback to the default.
package struct ConfigSource {
    private let reader: ConfigReader
    private let environment: [String: String]
    private let fileVariables: [String: String]
    private(set) var problems: [ConfigurationError.Problem] = []

    /// - Parameter fileVariables: the config file's values by variable name (``fileVariables(json:)``),
    ///   for the pass-through sections, whose keys cannot be known in advance.
    package init(reader: ConfigReader, environment: [String: String], fileVariables: [String: String] = [:]) {
        self.reader = reader
        self.environment = environment
        self.fileVariables = fileVariables
    }

    /// All variables whose names start with `prefix` (for pass-through sections such as
    /// `KAFKA_PROPERTY_`), from the config file and the environment; the environment wins.
    package func variables(withPrefix prefix: String) -> [String: String] {
        fileVariables.merging(environment) { _, fromEnvironment in fromEnvironment }
            .filter { $0.key.hasPrefix(prefix) && !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// A config file's scalar values by variable name: `{"kafka": {"property": {"security": {"protocol":
    /// "SSL"}}}}` is `KAFKA_PROPERTY_SECURITY_PROTOCOL`; a dotted leaf (`"security.protocol"`) nests the same.
    package static func fileVariables(json: JSONValue, prefix: [String] = []) -> [String: String] {
        let name = prefix.joined(separator: "_")
        switch json {
        case .object(let object):
            return object.reduce(into: [:]) { result, entry in
                let words = entry.key.split(whereSeparator: { $0 == "." || $0 == "_" }).map { $0.uppercased() }
                result.merge(fileVariables(json: entry.value, prefix: prefix + words)) { first, _ in first }
            }
        case .string(let text): return [name: text]
        case .bool(let flag): return [name: flag ? "true" : "false"]
        case .int(let number): return [name: String(number)]
        case .double(let number): return [name: String(number)]
        case .null, .array: return [:]
        }
    }

    /// The raw value of `key` (e.g. `KAFKA_GROUP_ID`), or nil when unset or empty.
    package func raw(_ key: String, isSecret: Bool = false) -> String? {
        let components = key.lowercased().split(separator: "_").map(String.init)
        guard let value = reader.string(forKey: ConfigKey(components), isSecret: isSecret) else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    package mutating func report(_ key: String, _ problem: String, fix: String) {
        problems.append(.init(key: key, problem: problem, fix: fix))
    }

    package mutating func string(_ key: String, default defaultValue: String) -> String {
        raw(key) ?? defaultValue
    }

    package mutating func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) -> Int {
        guard let text = raw(key) else { return defaultValue }
        guard let value = Int(text) else {
            report(key, "is not a whole number", fix: "set it to an integer in \(range.lowerBound)...\(range.upperBound), or unset it for the default \(defaultValue)")
            return defaultValue
        }
        guard range.contains(value) else {
            report(key, "is \(value), outside \(range.lowerBound)...\(range.upperBound)", fix: "set it within that range, or unset it for the default \(defaultValue)")
            return defaultValue
        }
        return value
    }

    package mutating func bool(_ key: String, default defaultValue: Bool) -> Bool {
        guard let text = raw(key)?.lowercased() else { return defaultValue }
        switch text {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            report(key, "is not a boolean", fix: "use true or false")
            return defaultValue
        }
    }

    /// A duration in milliseconds.
    package mutating func milliseconds(_ key: String, default defaultValue: Duration, range: ClosedRange<Int>) -> Duration {
        let defaultMilliseconds = Int(defaultValue.components.seconds * 1000 + defaultValue.components.attoseconds / 1_000_000_000_000_000)
        return .milliseconds(int(key, default: defaultMilliseconds, range: range))
    }

    /// A rate (a positive number) or `unlimited`; `nil` means unlimited.
    package mutating func rate(_ key: String, default defaultValue: Double?) -> Double? {
        guard let text = raw(key) else { return defaultValue }
        if text.lowercased() == "unlimited" { return nil }
        guard let value = Double(text), value > 0, value.isFinite else {
            report(key, "is neither a positive number nor \"unlimited\"", fix: "set a positive number of requests, or unlimited")
            return defaultValue
        }
        return value
    }

    package mutating func url(_ key: String, default defaultValue: String? = nil, schemes: Set<String>) -> URL? {
        guard let text = raw(key) ?? defaultValue else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), schemes.contains(scheme), url.host != nil else {
            report(key, "is not an absolute \(schemes.sorted().joined(separator: " or ")) URL", fix: "set it like \(schemes.contains("https") ? "https" : schemes.sorted()[0])://host[:port]")
            return nil
        }
        return url
    }

    /// A comma-separated list.
    package func list(_ key: String) -> [String] {
        (raw(key) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A secret from `KEY`, or from the file named by `KEY_FILE` (mounted secrets). Never both.
    package mutating func secret(_ key: String) -> String? {
        let inline = raw(key, isSecret: true)
        let fileKey = key + "_FILE"
        guard let path = raw(fileKey) else { return inline }
        if inline != nil {
            report(key, "is set both directly and through \(fileKey)", fix: "set only one of \(key) and \(fileKey)")
            return inline
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            report(fileKey, "names a file that cannot be read", fix: "mount the secret file at that path, readable by the worker")
            return nil
        }
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty {
            report(fileKey, "names an empty file", fix: "put the secret in the file")
            return nil
        }
        return value
    }
}
