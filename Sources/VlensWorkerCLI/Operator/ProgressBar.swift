import Foundation
import Synchronization

/// A one-line progress display on standard error: a bar, the count, the rate and the ETA.
///
/// On a terminal the line redraws in place (at most ten times a second); otherwise a line is
/// written every few seconds, so logs of a CI job stay readable.
final class ProgressBar: Sendable {
    private let label: String
    private let started = ContinuousClock.now
    private let isTerminal = isatty(FileHandle.standardError.fileDescriptor) != 0
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(label: String) {
        self.label = label
    }

    /// Redraws with `count` records handled and `fraction` (0...1) of the work done.
    func update(count: Int, fraction: Double, force: Bool = false) {
        let now = ContinuousClock.now
        let interval: Duration = isTerminal ? .milliseconds(100) : .seconds(3)
        let due = lastDraw.withLock { last in
            guard force || last.map({ now - $0 >= interval }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        let line = Self.render(label: label, count: count, fraction: fraction, elapsed: now - started)
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }

    /// Draws the final state and ends the line.
    func finish(count: Int) {
        update(count: count, fraction: 1, force: true)
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `label [#########-----------]  45%  1234 records  310.2/s  ETA 0:04`
    static func render(label: String, count: Int, fraction: Double, elapsed: Duration) -> String {
        let width = 24
        let clamped = min(max(fraction, 0), 1)
        let filled = Int((clamped * Double(width)).rounded(.down))
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 0.001)
        let rate = Double(count) / seconds
        let eta = clamped > 0 ? seconds * (1 - clamped) / clamped : nil
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        return "\(label) [\(bar)] \(String(format: "%3d%%", Int(clamped * 100)))  \(count) records  \(String(format: "%.1f", rate))/s  ETA \(eta.map(clock) ?? "-")"
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        return String(format: "%d:%02d", total / 60, total % 60)
    }
}
