import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Applies ``MallocSetting/recommended`` (glibc malloc settings for an allocation pattern of megabyte-sized
/// images held for a second) at start-up, each unless its environment variable is set: `vlens-worker
/// run` and `vlens-simulator` (whose request bodies are the same images) call it first.
///
/// By default glibc serves megabyte-sized blocks with `mmap` or returns them to the kernel when freed,
/// so every capture faults its pages in again and the kernel clears them: 5–6 % of the worker's CPU
/// under the bench load. (`mallopt` is looked up at run time: Swift's `Glibc` module leaves out
/// `<malloc.h>`.)
public enum MallocTuning {
    public static func apply(environment: [String: String] = ProcessInfo.processInfo.environment) {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }  // RTLD_DEFAULT
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        for setting in MallocSetting.toApply(environment: environment) {
            _ = mallopt(setting.option.rawValue, setting.value)
        }
        #endif
    }
}
