import CRdKafka
import Foundation
import Logging

/// The producer's machinery: the handle, its poll thread (which serves delivery reports, logs and
/// statistics), and the bridge from delivery reports to continuations.
final class ProducerCore: Sendable {
    enum SendOutcome: Sendable {
        case delivered(KafkaDeliveryReport)
        case queueFull
    }

    let client: RDKafkaClient
    let configuration: KafkaProducerConfiguration
    private let running = RunFlag()
    /// How long the poll thread waits for outstanding messages when the producer goes away.
    private static let drainTimeout: Duration = .seconds(10)

    init(configuration: KafkaProducerConfiguration, logger: Logger, statisticsHandler: (@Sendable (KafkaStatistics) -> Void)?) throws(KafkaError) {
        self.configuration = configuration
        client = try RDKafkaClient(
            type: RD_KAFKA_PRODUCER, properties: configuration.properties, logger: logger,
            statisticsHandler: statisticsHandler
        ) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                guard let message, let opaque = message.pointee._private else { return }
                DeliveryContext.complete(opaque, message)
            }
        }
        RDKafkaClient.startThread(name: "kafka-producer-poll") { self.pollLoop() }
    }

    private func pollLoop() {
        let handle = client.handle
        while running.isRunning {
            rd_kafka_poll(handle, 100)
        }
        // Deliver what is outstanding, then fail (and so complete) whatever is left.
        if rd_kafka_flush(handle, Self.drainTimeout.timeoutMilliseconds) != RD_KAFKA_RESP_ERR_NO_ERROR {
            client.logger.warning("producer went away with undelivered messages; purging them",
                                  metadata: [KafkaLoggingKeys.count: "\(rd_kafka_outq_len(handle))"])
            rd_kafka_purge(handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            rd_kafka_poll(handle, 0)
        }
    }

    func stop() {
        running.stop()
    }

    /// Enqueues `record`; `opaque` comes back in its delivery report. Returns librdkafka's error, if it refused.
    func produce(_ record: KafkaOutgoingRecord, opaque: UnsafeMutableRawPointer) -> OpaquePointer? {
        var headers: OpaquePointer?
        if !record.headers.isEmpty {
            headers = rd_kafka_headers_new(record.headers.count)
            for header in record.headers {
                if let value = header.value {
                    value.withUnsafeBytes { _ = rd_kafka_header_add(headers, header.key, -1, $0.baseAddress, $0.count) }
                } else {
                    _ = rd_kafka_header_add(headers, header.key, -1, nil, 0)
                }
            }
        }
        let error = record.topic.withCString { topic in
            record.value.withUnsafeBytes { value in
                withOptionalBytes(record.key) { key in
                    var values: [rd_kafka_vu_t] = []
                    values.reserveCapacity(7)
                    var entry = rd_kafka_vu_t()
                    entry.vtype = RD_KAFKA_VTYPE_TOPIC
                    entry.u.cstr = topic
                    values.append(entry)
                    if let partition = record.partition {
                        entry = rd_kafka_vu_t()
                        entry.vtype = RD_KAFKA_VTYPE_PARTITION
                        entry.u.i32 = partition
                        values.append(entry)
                    }
                    entry = rd_kafka_vu_t()
                    entry.vtype = RD_KAFKA_VTYPE_VALUE
                    entry.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                    entry.u.mem.size = value.count
                    values.append(entry)
                    if let key {
                        entry = rd_kafka_vu_t()
                        entry.vtype = RD_KAFKA_VTYPE_KEY
                        entry.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                        entry.u.mem.size = key.count
                        values.append(entry)
                    }
                    entry = rd_kafka_vu_t()
                    entry.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    entry.u.i = RD_KAFKA_MSG_F_COPY
                    values.append(entry)
                    entry = rd_kafka_vu_t()
                    entry.vtype = RD_KAFKA_VTYPE_OPAQUE
                    entry.u.ptr = opaque
                    values.append(entry)
                    if let headers {
                        entry = rd_kafka_vu_t()
                        entry.vtype = RD_KAFKA_VTYPE_HEADERS
                        entry.u.headers = headers
                        values.append(entry)
                    }
                    return rd_kafka_produceva(client.handle, values, values.count)
                }
            }
        }
        if error != nil, let headers { rd_kafka_headers_destroy(headers) }  // ownership passes only on success
        return error
    }

    func ensureOpen(_ operation: String) throws(KafkaError) {
        guard running.isRunning else { throw KafkaError.closed(operation) }
        if let fatal = client.fatalError { throw fatal }
    }
}

private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

/// One in-flight `send`: retained into librdkafka's per-message opaque, released by its delivery report.
final class DeliveryContext: Sendable {
    let continuation: CheckedContinuation<ProducerCore.SendOutcome, any Error>
    let topic: String

    init(continuation: CheckedContinuation<ProducerCore.SendOutcome, any Error>, topic: String) {
        self.continuation = continuation
        self.topic = topic
    }

    /// Completes the `send` whose context `opaque` is. librdkafka reports each accepted message exactly once.
    static func complete(_ opaque: UnsafeMutableRawPointer, _ message: UnsafePointer<rd_kafka_message_t>) {
        let context = Unmanaged<DeliveryContext>.fromOpaque(opaque).takeRetainedValue()
        let error = message.pointee.err
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            context.continuation.resume(returning: .delivered(KafkaDeliveryReport(
                topic: context.topic, partition: message.pointee.partition, offset: message.pointee.offset
            )))
        } else {
            let detail = rd_kafka_message_errstr(message).map { String(cString: $0) }
            context.continuation.resume(throwing: KafkaError(error, context: "delivery to \(context.topic)", detail: detail))
        }
    }
}
