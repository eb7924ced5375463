import CRdKafka
import Foundation
import Logging
import Synchronization

/// The producer's machinery: the handle, its poll thread (which serves delivery reports, logs and
/// statistics), and the bridge from delivery reports to continuations.
final class ProducerCore: Sendable {
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
        RDKafkaClient.startThread(name: "kafka-producer") { self.pollLoop() }
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
                    // Up to seven arguments, on the stack: no allocation per record.
                    withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 7) { arguments in
                        var count = 0
                        func append(_ type: rd_kafka_vtype_t, _ set: (inout rd_kafka_vu_t) -> Void) {
                            var entry = rd_kafka_vu_t()
                            entry.vtype = type
                            set(&entry)
                            arguments.initializeElement(at: count, to: entry)
                            count += 1
                        }
                        append(RD_KAFKA_VTYPE_TOPIC) { $0.u.cstr = topic }
                        if let partition = record.partition { append(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = partition } }
                        append(RD_KAFKA_VTYPE_VALUE) {
                            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value.baseAddress)
                            $0.u.mem.size = value.count
                        }
                        if let key {
                            append(RD_KAFKA_VTYPE_KEY) {
                                $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                                $0.u.mem.size = key.count
                            }
                        }
                        append(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                        append(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque }
                        if let headers { append(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers } }
                        defer { arguments.baseAddress!.deinitialize(count: count) }
                        return rd_kafka_produceva(client.handle, arguments.baseAddress, count)
                    }
                }
            }
        }
        if error != nil, let headers { rd_kafka_headers_destroy(headers) }  // ownership passes only on success
        return error
    }

    /// Enqueues `records` in order, waiting while librdkafka's queue is full; reports go to `batch`.
    /// When a record is refused, the ones not yet enqueued are reported failed with that error.
    func enqueue(_ records: [KafkaOutgoingRecord], into batch: DeliveryBatch) async {
        var index = 0
        while index < records.count {
            let record = records[index]
            let context = Unmanaged.passRetained(DeliveryContext(topic: record.topic, index: index, sink: batch))
            guard let refusal = produce(record, opaque: context.toOpaque()) else {
                index += 1
                continue
            }
            context.release()  // refused: no delivery report will come for it
            let error = KafkaError(consuming: refusal, context: "produce to \(record.topic)")
            if error.code == .queueFull, (try? await Task.sleep(for: .milliseconds(5))) != nil {
                continue  // librdkafka's queue drains as the poll thread serves delivery reports
            }
            for failed in index..<records.count { batch.deliver(index: failed, .failure(error)) }
            return
        }
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

/// Where a delivery report goes.
protocol DeliverySink: Sendable {
    func deliver(index: Int, _ result: Result<KafkaDeliveryReport, KafkaError>)
}

/// One in-flight record: retained into librdkafka's per-message opaque, released by its delivery report.
final class DeliveryContext: Sendable {
    let topic: String
    let index: Int
    let sink: any DeliverySink

    init(topic: String, index: Int, sink: any DeliverySink) {
        self.topic = topic
        self.index = index
        self.sink = sink
    }

    /// Reports the delivery of the record whose context `opaque` is. librdkafka reports each accepted
    /// message exactly once, so each context is released exactly once.
    static func complete(_ opaque: UnsafeMutableRawPointer, _ message: UnsafePointer<rd_kafka_message_t>) {
        let context = Unmanaged<DeliveryContext>.fromOpaque(opaque).takeRetainedValue()
        let error = message.pointee.err
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            context.sink.deliver(index: context.index, .success(KafkaDeliveryReport(
                topic: context.topic, partition: message.pointee.partition, offset: message.pointee.offset
            )))
        } else {
            let detail = rd_kafka_message_errstr(message).map { String(cString: $0) }
            context.sink.deliver(index: context.index, .failure(KafkaError(error, context: "delivery to \(context.topic)", detail: detail)))
        }
    }
}

/// Collects the delivery reports of a group of records and wakes one waiter when all are in.
final class DeliveryBatch: DeliverySink {
    private struct State {
        var reports: [KafkaDeliveryReport?]
        var remaining: Int
        var firstError: KafkaError?
        var waiter: CheckedContinuation<[KafkaDeliveryReport], any Error>?

        var result: Result<[KafkaDeliveryReport], any Error> {
            if let firstError { return .failure(firstError) }
            return .success(reports.map { $0! })
        }
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(reports: Array(repeating: nil, count: count), remaining: count))
    }

    func deliver(index: Int, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        let done = state.withLock { state -> (CheckedContinuation<[KafkaDeliveryReport], any Error>, Result<[KafkaDeliveryReport], any Error>)? in
            switch result {
            case .success(let report): state.reports[index] = report
            case .failure(let error): if state.firstError == nil { state.firstError = error }
            }
            state.remaining -= 1
            guard state.remaining == 0, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter, state.result)
        }
        if let (waiter, result) = done { waiter.resume(with: result) }
    }

    /// Waits for every report; throws the first delivery error, if any.
    func wait() async throws -> [KafkaDeliveryReport] {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<[KafkaDeliveryReport], any Error>? in
                guard state.remaining > 0 else { return state.result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
