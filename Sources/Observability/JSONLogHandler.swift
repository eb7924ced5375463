import Foundation
import Logging
import Synchronization
import Verification

/// Writes one JSON object per line to standard error (``JSONLogLine``): `ts` (UTC, milliseconds),
/// `level`, `label`, `msg`, and the metadata as top-level fields. The worker only ever logs
/// identifiers and codes as metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private static let output = Mutex(())

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(key: String, value: Logger.MetadataValue)] = [
            ("ts", .string(Timestamp(Date()).text)),
            ("level", .string(event.level.rawValue)),
            ("label", .string(label)),
            ("msg", .string(event.message.description)),
        ]
        let merged = event.metadata.map { metadata.merging($0) { _, new in new } } ?? metadata
        for (key, value) in merged where !Self.fixedKeys.contains(key) {
            fields.append((key, value))
        }
        let line = JSONLogLine(fields).bytes
        Self.output.withLock { _ in FileHandle.standardError.write(Data(line)) }
    }

    /// The fields every line has; metadata of the same name is left out.
    private static let fixedKeys: Set<String> = ["ts", "level", "label", "msg"]
}
