import CRdKafka
import Foundation

/// The launcher's control port on loopback: one text command per line, answered with `ok` or
/// `error <why>`. It does what a Kafka client cannot do against the mock cluster (its CreateTopics
/// waits for a controller that never comes) and what only the mock can (inject faults).
///
/// Commands:
/// - `topic NAME PARTITIONS` creates a topic.
/// - `errors API_KEY CODE[,CODE...]` fails the next requests of that API (numeric Kafka error codes).
/// - `clear-errors API_KEY` drops the errors still queued for that API.
/// - `broker ID up|down` takes a broker up or down.
/// - `rtt ID MILLISECONDS` sets a broker's round-trip time.
/// - `coordinator group|transaction KEY ID` moves a group's or transactional id's coordinator.
final class MockBrokerControl: Sendable {
    let port: UInt16
    private let listener: Int32
    private let cluster: MockCluster

    init(cluster: MockCluster) throws {
        self.cluster = cluster
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MockCluster.Failure(description: "control socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0 && listen(fd, 16) == 0
            }
        }
        guard bound else {
            close(fd)
            throw MockCluster.Failure(description: "control port: \(String(cString: strerror(errno)))")
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    /// Serves connections on a thread of its own until the process ends.
    func start() {
        Thread.detachNewThread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    return
                }
                serve(connection)
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        let input = FileHandle(fileDescriptor: connection, closeOnDealloc: false)
        var buffer = Data()
        while true {
            let chunk = input.availableData
            guard !chunk.isEmpty else { return }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                let reply: String
                do {
                    try execute(line.split(separator: " ").map(String.init))
                    reply = "ok\n"
                } catch {
                    reply = "error \(error)\n"
                }
                _ = reply.utf8CString.withUnsafeBufferPointer { send(connection, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
            }
        }
    }

    private func execute(_ words: [String]) throws {
        func number<T: FixedWidthInteger>(_ index: Int, _ name: String) throws -> T {
            guard index < words.count, let value = T(words[index]) else { throw MockCluster.Failure(description: "\(words.first ?? "") needs \(name)") }
            return value
        }
        switch words.first {
        case "topic":
            guard words.count == 3 else { throw MockCluster.Failure(description: "usage: topic NAME PARTITIONS") }
            try cluster.createTopic(words[1], partitions: try number(2, "a partition count"), replicationFactor: 3)
        case "errors":
            guard words.count == 3 else { throw MockCluster.Failure(description: "usage: errors API_KEY CODE[,CODE...]") }
            let codes = try words[2].split(separator: ",").map { code -> rd_kafka_resp_err_t in
                guard let value = Int32(code) else { throw MockCluster.Failure(description: "error code \(code) is not a number") }
                return rd_kafka_resp_err_t(rawValue: value)
            }
            try cluster.pushRequestErrors(apiKey: try number(1, "an API key"), codes)
        case "clear-errors":
            guard words.count == 2 else { throw MockCluster.Failure(description: "usage: clear-errors API_KEY") }
            try cluster.clearRequestErrors(apiKey: try number(1, "an API key"))
        case "broker":
            guard words.count == 3, ["up", "down"].contains(words[2]) else { throw MockCluster.Failure(description: "usage: broker ID up|down") }
            try cluster.setBroker(try number(1, "a broker id"), up: words[2] == "up")
        case "rtt":
            guard words.count == 3 else { throw MockCluster.Failure(description: "usage: rtt ID MILLISECONDS") }
            try cluster.setRoundTripTime(broker: try number(1, "a broker id"), milliseconds: try number(2, "milliseconds"))
        case "coordinator":
            guard words.count == 4, ["group", "transaction"].contains(words[1]) else {
                throw MockCluster.Failure(description: "usage: coordinator group|transaction KEY ID")
            }
            try cluster.setCoordinator(type: words[1], key: words[2], broker: try number(3, "a broker id"))
        default:
            throw MockCluster.Failure(description: "unknown command \(words.first ?? "(empty)"); commands: topic, errors, clear-errors, broker, rtt, coordinator")
        }
    }
}
