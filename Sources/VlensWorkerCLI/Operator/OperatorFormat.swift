import Foundation

/// Compact renderings of ages, sizes and tables for the operator commands' output.
enum OperatorFormat {
    /// A duration as an age: `45s`, `3m12s`, `2h05m`, `1d03h` (whole seconds, rounded down; negative as 0).
    static func age(_ seconds: TimeInterval) -> String {
        let total = seconds.isFinite ? max(Int(seconds), 0) : 0
        let (days, hours, minutes, rest) = (total / 86400, total / 3600 % 24, total / 60 % 60, total % 60)
        if days > 0 { return "\(days)d" + String(format: "%02dh", hours) }
        if hours > 0 { return "\(hours)h" + String(format: "%02dm", minutes) }
        if minutes > 0 { return "\(minutes)m" + String(format: "%02ds", rest) }
        return "\(rest)s"
    }

    /// A byte count: `812 B`, `1.5 KiB`, `3.2 MiB`, `1.1 GiB`.
    static func bytes(_ count: Int) -> String {
        guard count >= 1024 else { return "\(count) B" }
        var value = Double(count) / 1024
        for unit in ["KiB", "MiB", "GiB"] {
            if value < 1024 || unit == "GiB" { return String(format: "%.1f", value) + " " + unit }
            value /= 1024
        }
        return "\(count) B"
    }

    /// Left-aligned columns two spaces apart, each as wide as its widest cell; every line indented by two.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            "  " + row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
