import Foundation
import ProcessSpawning

/// One `vlens-worker run` process, started with its configuration in the environment (as in
/// production) and its JSON log in a file.
final class WorkerProcess: Sendable {
    let pid: Int32
    let httpPort: Int
    private let process: ChildProcess

    init(executable: String, environment: [String: String], httpPort: Int, logFile: URL) throws {
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        // glibc's MALLOC_* tunables pass through, to measure the worker's memory with them.
        var inherited = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "LANG", "TZ"].contains($0.key) || $0.key.hasPrefix("MALLOC_") }
        inherited.merge(environment) { $1 }
        inherited["HTTP_HOST"] = "127.0.0.1"
        inherited["HTTP_PORT"] = "\(httpPort)"
        process = try ChildProcess(executable: URL(fileURLWithPath: executable), arguments: ["run"], environment: inherited, output: .file(logFile), error: .file(logFile))
        self.pid = process.processIdentifier
        self.httpPort = httpPort
    }

    var isRunning: Bool { process.isRunning }

    var sample: ProcSample? { ProcSample(pid: pid) }

    /// SIGTERM (a graceful drain), then SIGKILL after `grace`.
    func stop(grace: Duration) async {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
        if isRunning { kill(pid, SIGKILL) }
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    /// A free loopback TCP port (bound, read, released).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
