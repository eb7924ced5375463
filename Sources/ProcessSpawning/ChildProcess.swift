#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// A child process started with `posix_spawn`, for tests and the benchmark harness.
///
/// Foundation's `Process.run()` is not used: on Linux (Swift 6.3) it reads each entry of
/// `/proc/self/fd` by copying the whole 256-byte `d_name`, which reads past glibc's buffer and
/// crashes now and then in a process with many descriptors, as a test process has
/// (swift-corelibs-foundation pull request 5472). This type spawns directly: the child starts with
/// every descriptor above 2 closed, no blocked signals, default signal actions and its own process
/// group, as Foundation's would.
public final class ChildProcess: Sendable {
    /// Where one of the child's standard streams goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case discard
        /// Appended to a file, created when missing.
        case file(URL)
        /// The parent's own stream.
        case inherit
    }

    /// The child's process id.
    public let processIdentifier: pid_t
    /// The wait status, once the child has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with exactly `environment` (nothing is inherited unless passed).
    public init(executable: URL, arguments: [String], environment: [String: String], output: Output = .discard, error: Output = .discard) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        try Self.check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "redirect stdin")
        try Self.redirect(1, to: output, in: &actions)
        try Self.redirect(2, to: error, in: &actions)
        if let closeFrom = Self.addCloseFrom {
            try Self.check(closeFrom(&actions, 3), "close inherited descriptors")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        try Self.check(posix_spawnattr_setsigmask(&attributes, &noSignals), "clear the signal mask")
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGCHLD, SIGHUP] { sigaddset(&defaults, signal) }
        try Self.check(posix_spawnattr_setsigdefault(&attributes, &defaults), "reset signal actions")
        try Self.check(posix_spawnattr_setpgroup(&attributes, 0), "set the process group")
        let flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP
        try Self.check(posix_spawnattr_setflags(&attributes, Int16(flags)), "set spawn flags")

        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw Failure(description: "cannot start \(executable.path): \(String(cString: strerror(spawned)))")
        }
        processIdentifier = pid
    }

    /// Whether the child has not exited yet (reaps it when it has).
    public var isRunning: Bool {
        reaped.withLock { status in
            guard status == nil else { return false }
            var waitStatus: Int32 = 0
            let result = waitpid(processIdentifier, &waitStatus, WNOHANG)
            if result == processIdentifier {
                status = waitStatus
                return false
            }
            if result == -1 && errno == ECHILD {
                status = 0  // reaped elsewhere; nothing more to learn
                return false
            }
            return true
        }
    }

    /// Blocks until the child has exited.
    public func waitUntilExit() {
        while isRunning { usleep(5_000) }
    }

    /// Waits, without blocking a thread, until the child has exited; returns ``terminationStatus``.
    public func exited() async -> Int32 {
        while isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        return terminationStatus ?? 0
    }

    /// Sends `signal` to the child, if it has not been reaped.
    public func signal(_ signal: Int32) {
        guard isRunning else { return }
        #if canImport(Glibc)
        _ = Glibc.kill(processIdentifier, signal)
        #else
        _ = Darwin.kill(processIdentifier, signal)
        #endif
    }

    /// SIGTERM: asks the child to stop.
    public func terminate() { signal(SIGTERM) }

    /// SIGKILL, then waits for the child.
    public func kill() {
        signal(SIGKILL)
        waitUntilExit()
    }

    /// The exit code, or the number of the signal that ended the child; `nil` while it runs.
    public var terminationStatus: Int32? {
        guard !isRunning, let status = reaped.withLock({ $0 }) else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }

    /// Whether the child ended by a signal rather than by exiting.
    public var wasSignalled: Bool {
        guard !isRunning, let status = reaped.withLock({ $0 }) else { return false }
        let signal = status & 0x7f
        return signal != 0 && signal != 0x7f
    }

    /// The process could not be started.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which the Glibc module does not
    /// export; without it the child inherits only descriptors opened without close-on-exec.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    private static func redirect(_ descriptor: Int32, to output: Output, in actions: inout posix_spawn_file_actions_t) throws {
        switch output {
        case .discard:
            try check(posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0), "redirect \(descriptor)")
        case .file(let url):
            try check(posix_spawn_file_actions_addopen(&actions, descriptor, url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644), "redirect \(descriptor) to \(url.path)")
        case .inherit:
            break
        }
    }

    private static func check(_ result: Int32, _ what: String) throws {
        guard result == 0 else { throw Failure(description: "cannot \(what): \(String(cString: strerror(result)))") }
    }
}
