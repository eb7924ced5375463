import Foundation
import Synchronization

/// An append-only file of handled records, one line each: `instance partition offset key value`.
///
/// Each line is one `write(2)` on an `O_APPEND` descriptor, so lines of concurrent processes never
/// interleave and a line is on disk (in the page cache) before the handler returns.
final class HandledLog: Sendable {
    private let descriptor: Int32
    private let lock = Mutex(())

    init(path: String) throws {
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }

    deinit {
        close(descriptor)
    }

    /// Appends one line. A short local write: it does not wait on the network.
    func append(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        lock.withLock { _ in
            _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        }
    }
}
