import CRdKafka
import Dispatch
import Foundation
import Logging

/// Owns one librdkafka handle (`rd_kafka_t`) and the callbacks it calls.
///
/// Blocking librdkafka calls run through ``runBlocking(_:)`` on a Dispatch queue, never on Swift's
/// cooperative thread pool.
final class RDKafkaClient: @unchecked Sendable {  // the handle is thread-safe per librdkafka's contract; fields are immutable
    let handle: OpaquePointer
    let callbacks: RDKafkaCallbacks
    var logger: Logger { callbacks.logger }

    /// Where blocking librdkafka calls run (commit, flush, committed, transactions, admin requests).
    private static let blockingQueue = DispatchQueue(label: "kafka.blocking", attributes: .concurrent)

    /// Creates a handle of `type` from `properties`; `configure` may add type-specific callbacks.
    init(
        type: rd_kafka_type_t, properties: [String: String], logger: Logger,
        statisticsHandler: (@Sendable (KafkaStatistics) -> Void)?,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) {
        try LibrdkafkaVersion.requireSupported()
        let callbacks = RDKafkaCallbacks(logger: logger, statisticsHandler: statisticsHandler)
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.configuration("rd_kafka_conf_new returned no configuration")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        var all = properties
        all["log.queue"] = "true"
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            guard rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                // The value is not echoed: it may be a password.
                throw KafkaError.configuration("librdkafka rejected property \(key): \(RDKafkaClient.string(errorText))")
            }
        }
        callbacks.install(on: conf)
        configure(conf)
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)  // rd_kafka_new only takes ownership on success
            throw KafkaError.configuration("could not create the Kafka client: \(RDKafkaClient.string(errorText))")
        }
        // Queue log lines on the main queue, which the client's poll thread serves.
        _ = rd_kafka_set_log_queue(handle, nil)
        self.handle = handle
        self.callbacks = callbacks
    }

    deinit {
        // rd_kafka_destroy joins librdkafka's threads; keep it off whatever thread (maybe the
        // cooperative pool) released the last reference. The callbacks stay alive until it returns.
        let box = DestroyBox(handle: handle, callbacks: callbacks)
        Self.blockingQueue.async {
            rd_kafka_destroy(box.handle)
            withExtendedLifetime(box.callbacks) {}
        }
    }

    /// Runs a blocking librdkafka call on the Dispatch queue and awaits its result.
    func runBlocking<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws(KafkaError) -> T) async throws(KafkaError) -> T {
        let result: Result<T, KafkaError> = await withCheckedContinuation { continuation in
            // The closure holds the client (and so the handle) while the call runs.
            Self.blockingQueue.async {
                continuation.resume(returning: Result { () throws(KafkaError) -> T in try body(self.handle) })
            }
        }
        return try result.get()
    }

    /// Runs a blocking librdkafka call on the Dispatch queue without waiting for it.
    func runDetached(_ body: @escaping @Sendable (OpaquePointer) -> Void) {
        Self.blockingQueue.async { body(self.handle) }
    }

    /// Starts a dedicated thread (never a cooperative-pool thread) that runs `body` until it returns.
    /// Linux keeps at most 15 bytes of a thread's name; a longer one is refused, and the thread
    /// would show (in `top`, `gdb`, `/proc`) under the name of the thread that started it.
    static func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        precondition(name.utf8.count <= 15, "thread name \(name) is longer than Linux keeps")
        let thread = Thread {
            // Foundation on Linux gives the name to the OS only when the thread itself sets it.
            Thread.current.name = name
            body()
        }
        thread.start()
    }

    /// The text librdkafka wrote into an error buffer.
    static func string(_ buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The fatal error librdkafka raised, if any.
    var fatalError: KafkaError? { callbacks.fatalError.withLock { $0 } }
}

/// Carries a handle to the destroying queue; only that queue touches it afterwards.
private struct DestroyBox: @unchecked Sendable {  // the handle is used by exactly one thread after deinit
    let handle: OpaquePointer
    let callbacks: RDKafkaCallbacks
}
