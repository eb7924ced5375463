import Foundation

/// The whole machine's busy CPU time (`/proc/stat`, first line: every state but idle and iowait),
/// to tell whether a run was short of cores.
enum MachineCPU {
    /// Busy CPU seconds since boot, summed over cores.
    static func busySeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = stat.split(separator: "\n").first
        else { return 0 }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 5 else { return 0 }
        // user nice system idle iowait irq softirq steal ...
        let busy = ticks.enumerated().filter { $0.offset != 3 && $0.offset != 4 }.prefix(6).reduce(0) { $0 + $1.element }
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
