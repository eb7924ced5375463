import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// glibc malloc settings for the worker's allocation pattern: every capture allocates megabyte-sized
/// blocks (the record's value, the Vlens request body) and frees them a second later.
///
/// By default glibc serves such blocks with `mmap` or returns them to the kernel when freed (trims
/// a heap's top with `madvise`), so every capture faults its pages in again and the kernel clears
/// them: 5–6 % of the worker's CPU under the bench load. Blocks below 32 MiB come from the heap and
/// up to 256 MiB of free heap top stay mapped; peak RSS is unchanged, RSS after a burst stays high.
/// A setting whose glibc environment variable is set (`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`,
/// `MALLOC_TRIM_THRESHOLD_`) is left to it: the operator's choice wins.
/// (`mallopt` is looked up at run time: Swift's `Glibc` module leaves out `<malloc.h>`.)
enum MallocTuning {
    static func apply(environment: [String: String] = ProcessInfo.processInfo.environment) {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }  // RTLD_DEFAULT
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3, arenaMax: Int32 = -8  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX
        // Two arenas, not eight per core: freed blocks are reused across threads instead of
        // stranded in per-thread arenas (peak RSS 610 → 510 MB at 256 in flight, no CPU cost measured).
        func set(_ option: Int32, _ value: Int32, unlessSet variable: String) {
            if environment[variable] == nil { _ = mallopt(option, value) }
        }
        set(arenaMax, 2, unlessSet: "MALLOC_ARENA_MAX")
        set(mmapThreshold, 32 << 20, unlessSet: "MALLOC_MMAP_THRESHOLD_")
        set(trimThreshold, 256 << 20, unlessSet: "MALLOC_TRIM_THRESHOLD_")
        #endif
    }
}
