import Foundation

/// A process's CPU time (`/proc/PID/stat`: utime + stime), peak resident set
/// (`/proc/PID/status`: VmHWM) and context switches (its threads' `voluntary_ctxt_switches` and
/// `nonvoluntary_ctxt_switches`, `/proc/PID/task/*/status`). Linux only.
struct ProcSample: Sendable {
    var cpuSeconds: Double
    var peakRSSBytes: Int
    /// Context switches of the threads alive now (a thread that ended took its count with it).
    var contextSwitches: Int

    init?(pid: Int32) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        else { return nil }
        // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        cpuSeconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
        let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        let kilobytes = hwm.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        peakRSSBytes = kilobytes * 1024
        contextSwitches = Self.contextSwitches(pid: pid)
    }

    private static func contextSwitches(pid: Int32) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.reduce(0) { total, task in
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8) else { return total }
            return total + status.split(separator: "\n").reduce(0) { sum, line in
                guard line.hasPrefix("voluntary_ctxt_switches:") || line.hasPrefix("nonvoluntary_ctxt_switches:") else { return sum }
                return sum + (Int(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0)
            }
        }
    }
}
