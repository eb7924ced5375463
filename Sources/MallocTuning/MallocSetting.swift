/// One glibc malloc setting `vlens-worker run` and `vlens-simulator` apply at start-up with `mallopt`, unless the
/// operator set its environment variable: a variable that is set wins (glibc reads it itself).
///
/// Why these values: every capture allocates megabyte-sized blocks and frees them a second later.
/// Served from the heap and kept there, they are not faulted in and cleared again for the next
/// capture (`docs/BENCHMARKS.md`, "Where a capture's CPU goes").
package struct MallocSetting: Equatable, Sendable {
    /// `mallopt`'s parameter numbers (`<malloc.h>`).
    package enum Option: Int32, Sendable {
        case trimThreshold = -1  // M_TRIM_THRESHOLD
        case mmapThreshold = -3  // M_MMAP_THRESHOLD
        case arenaMax = -8  // M_ARENA_MAX
    }

    package var option: Option
    package var value: Int32
    /// The glibc environment variable that sets the same thing.
    package var variable: String

    /// Two arenas, not eight per core: freed blocks are reused across threads instead of stranded in
    /// per-thread arenas. Blocks below 32 MiB come from the heap; up to 256 MiB of free heap top stay mapped.
    package static let recommended: [MallocSetting] = [
        MallocSetting(option: .arenaMax, value: 2, variable: "MALLOC_ARENA_MAX"),
        MallocSetting(option: .mmapThreshold, value: 32 << 20, variable: "MALLOC_MMAP_THRESHOLD_"),
        MallocSetting(option: .trimThreshold, value: 256 << 20, variable: "MALLOC_TRIM_THRESHOLD_"),
    ]

    /// The settings whose variable `environment` does not set.
    package static func toApply(environment: [String: String]) -> [MallocSetting] {
        recommended.filter { environment[$0.variable] == nil }
    }
}
