import Logging
import Synchronization

/// Log entries captured by ``CapturingLogHandler``.
public final class CapturedLogs: Sendable {
    public struct Entry: Sendable {
        public let level: Logger.Level
        public let message: String
        public let metadata: Logger.Metadata
        public let source: String
    }

    private let storage = Mutex<[Entry]>([])

    public init() {}
    public var entries: [Entry] { storage.withLock { $0 } }
    public func append(_ entry: Entry) { storage.withLock { $0.append(entry) } }
}

/// A log handler that keeps every entry (with the logger's and the call's metadata merged) for a test to read.
public struct CapturingLogHandler: LogHandler {
    public let store: CapturedLogs
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(store: CapturedLogs) {
        self.store = store
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        store.append(.init(
            level: event.level, message: "\(event.message)",
            metadata: metadata.merging(event.metadata ?? [:]) { _, new in new }, source: event.source
        ))
    }
}
