// vlens-kafka-mock: librdkafka's mock cluster as a standalone Kafka broker on loopback, so that a
// second, independent Kafka-protocol implementation (its own group coordinator, log and transaction
// coordinator) can stand in for tansu under the test suites. See `MockBrokerControl.swift` for the
// control port (topic creation and fault injection) and scripts/services for `KAFKA_IMPL=mock`.
//
// Usage: KafkaMockBroker [--brokers N] [--exit-with-parent]
// Prints `KAFKA_BOOTSTRAP_SERVERS=...` and `KAFKA_MOCK_CONTROL=127.0.0.1:PORT`, one per line, then
// serves until SIGTERM or SIGINT.
import CRdKafka
import Foundation

var brokers: Int32 = 1
var exitWithParent = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--brokers":
        guard let value = arguments.popFirst().flatMap(Int32.init), (1...9).contains(value) else {
            fail("--brokers needs a number from 1 to 9")
        }
        brokers = value
    case "--exit-with-parent":
        exitWithParent = true
    case "-h", "--help":
        print("usage: KafkaMockBroker [--brokers N] [--exit-with-parent]   (librdkafka's mock cluster on loopback; stop with SIGTERM)")
        exit(0)
    default:
        fail("unknown argument \(argument); usage: KafkaMockBroker [--brokers N] [--exit-with-parent]")
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("KafkaMockBroker: \(message)\n".utf8))
    exit(2)
}

// SIGTERM and SIGINT end the process through a signal source on the main queue.
for sig in [SIGTERM, SIGINT] { signal(sig, SIG_IGN) }
let cluster: MockCluster
do {
    cluster = try MockCluster(brokers: brokers)
} catch {
    fail("\(error)")
}
let control: MockBrokerControl
do {
    control = try MockBrokerControl(cluster: cluster)
} catch {
    fail("\(error)")
}
FileHandle.standardOutput.write(Data("KAFKA_BOOTSTRAP_SERVERS=\(cluster.bootstrapServers)\nKAFKA_MOCK_CONTROL=127.0.0.1:\(control.port)\n".utf8))
control.start()

let stops = [SIGTERM, SIGINT].map { sig in
    let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
    source.setEventHandler {
        control.stop()
        cluster.destroy()
        exit(0)
    }
    source.resume()
    return source
}
// Tests start it as a child: it must not outlive a test process that crashed (it would be adopted
// by another process, so its parent id changes).
let parent = getppid()
let watchdog = DispatchSource.makeTimerSource(queue: .main)
if exitWithParent {
    watchdog.schedule(deadline: .now() + 1, repeating: 1)
    watchdog.setEventHandler {
        guard getppid() != parent else { return }
        control.stop()
        cluster.destroy()
        exit(0)
    }
    watchdog.resume()
}
withExtendedLifetime((stops, watchdog)) { dispatchMain() }
