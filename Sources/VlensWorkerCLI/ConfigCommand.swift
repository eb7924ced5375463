import ArgumentParser
import Foundation
import Worker
import Observability
import WorkerSettings

/// `vlens-worker config --keys`: every configuration key with its default and meaning, as JSON
/// (for tools such as `scripts/validate-deploy`) or as the README's Markdown table.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Describe the worker's configuration keys (their defaults and meaning)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, markdown }

    @Flag(help: "List every key the worker reads.")
    var keys = false

    @Option(help: "json (default) or markdown (the README's table).")
    var format: Format = .json

    func validate() throws {
        guard keys else { throw ValidationError("say what to describe: --keys") }
    }

    func run() throws {
        switch format {
        case .markdown:
            print(ConfigurationKey.markdownTable(), terminator: "")
        case .json:
            struct Catalog: Encodable { let keys: [ConfigurationKey]; let prefixes: [String] }
            try printJSON(Catalog(keys: ConfigurationKey.all, prefixes: ConfigurationKey.prefixes))
        }
    }
}

/// `vlens-worker metrics --list`: every metric the worker exports, with its kind and meaning.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Describe the metrics the worker exports on /metrics."
    )

    @Flag(help: "List every metric as JSON: name, type, help.")
    var list = false

    func validate() throws {
        guard list else { throw ValidationError("say what to describe: --list") }
    }

    func run() throws {
        struct Entry: Encodable { let name: String; let type: WorkerMetric.Kind; let help: String }
        try printJSON(WorkerMetric.allCases.map { Entry(name: $0.rawValue, type: $0.kind, help: $0.help) })
    }
}

private func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
