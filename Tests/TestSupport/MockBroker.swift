import Foundation
import ProcessSpawning
import Synchronization

/// A librdkafka mock cluster in its own process (`KafkaMockBroker`, built by `swift build --build-tests`):
/// the second Kafka-protocol implementation, with its own group coordinator. Tests start one of their
/// own with ``init(brokers:)``, or reach the one `scripts/services up` started (`KAFKA_IMPL=mock`)
/// through ``shared``.
public final class MockBroker: Sendable {
    public let bootstrapServers: String
    /// `127.0.0.1:PORT` of the launcher's control port (see `Sources/KafkaMockBroker/MockBrokerControl.swift`).
    public let control: String
    private let process: ChildProcess?

    /// Starts a mock cluster of `brokers` brokers and waits (without holding a thread: tests share two)
    /// for its addresses.
    public init(brokers: Int = 1) async throws {
        let addresses = FileManager.default.temporaryDirectory.appendingPathComponent("mock-broker-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: addresses) }
        let child = try ChildProcess(
            executable: try BuiltExecutable.url(named: "KafkaMockBroker"),
            arguments: ["--brokers", "\(brokers)", "--exit-with-parent"],
            environment: ProcessInfo.processInfo.environment,
            output: .file(addresses)
        )
        var lines: [String: String] = [:]
        let deadline = ContinuousClock.now + .seconds(30)
        while lines.count < 2 {
            guard child.isRunning, ContinuousClock.now < deadline else {
                child.kill()
                throw OwnBroker.Failure(description: "KafkaMockBroker exited or stayed silent before printing its addresses")
            }
            try await Task.sleep(for: .milliseconds(20))
            let printed = (try? String(contentsOf: addresses, encoding: .utf8)) ?? ""
            for line in printed.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { lines[parts[0]] = parts[1] }
            }
        }
        guard let servers = lines["KAFKA_BOOTSTRAP_SERVERS"], let control = lines["KAFKA_MOCK_CONTROL"] else {
            child.kill()
            throw OwnBroker.Failure(description: "KafkaMockBroker printed no addresses")
        }
        self.process = child
        self.bootstrapServers = servers
        self.control = control
        Self.started.withLock { $0[servers] = control }
    }

    /// Control ports of the mock brokers this process started, by bootstrap address.
    private static let started = Mutex<[String: String]>([:])

    private init(bootstrapServers: String, control: String) {
        self.bootstrapServers = bootstrapServers
        self.control = control
        process = nil
    }

    /// The mock broker `scripts/services up` started (`KAFKA_MOCK_BOOTSTRAP_SERVERS`, `KAFKA_MOCK_CONTROL`).
    public static var shared: MockBroker? {
        let environment = ProcessInfo.processInfo.environment
        guard let control = environment["KAFKA_MOCK_CONTROL"], !control.isEmpty,
              let servers = environment["KAFKA_MOCK_BOOTSTRAP_SERVERS"], !servers.isEmpty else { return nil }
        return MockBroker(bootstrapServers: servers, control: control)
    }

    /// The mock broker at `servers`, if it is one: the shared one or one this process started.
    /// (`KAFKA_BOOTSTRAP_SERVERS` set to the shared one's address runs a suite on the mock.)
    public static func at(_ servers: String) -> MockBroker? {
        if let shared, shared.bootstrapServers == servers { return shared }
        return started.withLock { $0[servers] }.map { MockBroker(bootstrapServers: servers, control: $0) }
    }

    /// Creates a topic (the mock's CreateTopics never completes, so it goes through the control port).
    public func createTopic(_ name: String, partitions: Int) throws {
        try command("topic \(name) \(partitions)")
    }

    /// Sends one control command; throws with the launcher's answer when it is not `ok`.
    public func command(_ line: String) throws {
        let answer = try Self.exchange(line, with: control)
        guard answer == "ok" else { throw OwnBroker.Failure(description: "mock broker: \(line): \(answer)") }
    }

    /// Stops the launcher this instance started (not the shared one).
    public func stop() {
        guard let process else { return }
        Self.started.withLock { _ = $0.removeValue(forKey: bootstrapServers) }
        process.kill()
    }

    deinit {
        stop()
    }

    private static func exchange(_ line: String, with address: String) throws -> String {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { throw OwnBroker.Failure(description: "bad control address \(address)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_addr.s_addr = inet_addr(String(parts[0]))
        socketAddress.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw OwnBroker.Failure(description: "mock broker control \(address) refused the connection") }
        let request = Array((line + "\n").utf8)
        _ = request.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = [UInt8]()
        var byte: UInt8 = 0
        while recv(fd, &byte, 1, 0) == 1, byte != UInt8(ascii: "\n") { answer.append(byte) }
        return String(decoding: answer, as: UTF8.self)
    }
}
