import Foundation
import ProcessSpawning

/// A tansu broker of the test's own, on a free port, started from the checkout's `.tools/bin/tansu`.
public final class OwnBroker: Sendable {
    public let bootstrapServers: String
    private let process: ChildProcess

    /// Starts the broker and waits (without holding a thread: tests share two) until it accepts connections.
    public init() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let tansu = root.appendingPathComponent(".tools/bin/tansu")
        guard FileManager.default.isExecutableFile(atPath: tansu.path) else {
            throw OwnBroker.Failure(description: "\(tansu.path) is missing; run scripts/setup")
        }
        let port = try Self.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment["RUST_LOG"] = nil  // info level writes megabytes per second
        process = try ChildProcess(
            executable: tansu,
            arguments: ["broker", "--listener-url", "tcp://127.0.0.1:\(port)", "--advertised-listener-url", "tcp://127.0.0.1:\(port)"],
            environment: environment
        )
        bootstrapServers = "127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(15)
        while !Self.accepts(port: port) {
            guard ContinuousClock.now < deadline else {
                stop()
                throw OwnBroker.Failure(description: "tansu did not open port \(port) within 15 s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    public func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Continues the broker (in case it is stopped), then kills it and waits for it: its data is in memory anyway.
    public func stop() {
        process.signal(SIGCONT)
        process.kill()
    }

    /// The broker could not be started.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private static func freePort() throws -> UInt16 {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socketFD, generic, length) == 0 && getsockname(socketFD, generic, &length) == 0
            }
        }
        guard bound else { throw OwnBroker.Failure(description: "no free port") }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func accepts(port: UInt16) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
