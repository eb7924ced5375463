import Foundation
import Kafka
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Stops a broker for 20 s. It runs against a tansu instance of its own, so no other suite stalls.
@Suite("Kafka broker stall", .serialized)
struct KafkaBrokerStallTests {
    @Test("a 20 s SIGSTOP of the broker while producing and consuming loses nothing and duplicates nothing", .timeLimit(.minutes(3)))
    func brokerStall() async throws {
        let broker = try OwnBroker()
        defer { broker.stop() }  // continues the broker first, even when the test fails
        let servers = broker.bootstrapServers
        let topic = try await KafkaTest.createTopic("stall", partitions: 2, servers: servers)
        let producer = try KafkaTest.producer(servers: servers)
        let consumer = try KafkaConsumer(
            configuration: KafkaTest.consumerConfiguration(servers: servers, group: TestEnvironment.uniqueName("stall")),
            logger: KafkaTest.logger
        )
        try consumer.subscribe(topics: [topic])

        let total = 3000
        let batchSize = 50
        let produced = Mutex(0)
        async let producing: Void = {
            for batch in 0..<(total / batchSize) {
                let records = (0..<batchSize).map { index in
                    let value = batch * batchSize + index
                    return KafkaOutgoingRecord(topic: topic, key: Array("key-\(value % 8)".utf8), value: Array(String(value).utf8))
                }
                _ = try await producer.send(records)
                produced.withLock { $0 += batchSize }
            }
        }()
        // Offsets seen per partition; a record delivered again after a rebalance lands on the same slot.
        async let consuming: [KafkaTopicPartition: [Int64: String]] = KafkaTest.within(.seconds(150), "all records after the stall") {
            var stored: [KafkaTopicPartition: [Int64: String]] = [:]
            var iterator = consumer.events.makeAsyncIterator()
            while stored.values.map(\.count).reduce(0, +) < total, let event = try await iterator.next() {
                switch event {
                case .record(let record): stored[record.topicPartition, default: [:]][record.offset] = record.text
                case .revoked(let revocation): revocation.acknowledge()
                case .assigned: break
                }
            }
            return stored
        }

        try await KafkaTest.within(.seconds(60), "a third of the records to be produced") {
            while produced.withLock({ $0 }) < total / 3 { try await Task.sleep(for: .milliseconds(20)) }
        }
        broker.signal(SIGSTOP)
        try await Task.sleep(for: .seconds(20))
        let producedDuringStall = produced.withLock { $0 }
        broker.signal(SIGCONT)
        #expect(producedDuringStall < total, "the stall interrupted production")

        try await producing
        let stored = try await consuming
        let values = stored.values.flatMap(\.values)
        #expect(values.count == total, "the log holds exactly \(total) records: no duplicates")
        #expect(Set(values) == Set((0..<total).map(String.init)), "every produced record is in the log")
        for (partition, offsets) in stored {
            #expect(offsets.keys.sorted() == Array(0..<Int64(offsets.count)), "\(partition) has no gaps")
        }
        try await consumer.close()
    }
}

/// A tansu broker of the test's own, on a free port, started from the checkout's `.tools/bin/tansu`.
final class OwnBroker: Sendable {
    let bootstrapServers: String
    private let pid: pid_t
    private let process: ProcessBox

    init() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let tansu = root.appendingPathComponent(".tools/bin/tansu")
        guard FileManager.default.isExecutableFile(atPath: tansu.path) else {
            throw KafkaTest.Timeout(description: "\(tansu.path) is missing; run scripts/setup")
        }
        let port = try Self.freePort()
        let process = Process()
        process.executableURL = tansu
        process.arguments = ["broker", "--listener-url", "tcp://127.0.0.1:\(port)", "--advertised-listener-url", "tcp://127.0.0.1:\(port)"]
        var environment = ProcessInfo.processInfo.environment
        environment["RUST_LOG"] = nil  // info level writes megabytes per second
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = ProcessBox(process: process)
        pid = process.processIdentifier
        bootstrapServers = "127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(15)
        while !Self.accepts(port: port) {
            guard ContinuousClock.now < deadline else {
                stop()
                throw KafkaTest.Timeout(description: "tansu did not open port \(port) within 15 s")
            }
            usleep(50_000)
        }
    }

    func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Continues the broker (in case it is stopped), then kills it and waits for it. SIGKILL, because a
    /// child spawned from a test thread may inherit a signal mask that blocks SIGTERM; its data is in memory anyway.
    func stop() {
        kill(pid, SIGCONT)
        guard process.process.isRunning else { return }
        kill(pid, SIGKILL)
        process.process.waitUntilExit()
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
        guard bound else { throw KafkaTest.Timeout(description: "no free port") }
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

/// Holds the broker's `Process`, which is only queried and signalled after it started.
private struct ProcessBox: @unchecked Sendable {  // Process is thread-safe for isRunning/terminate/wait after run()
    let process: Process
}
