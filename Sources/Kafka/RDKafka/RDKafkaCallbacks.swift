import CRdKafka
import Logging
import Synchronization

/// Receives librdkafka's callbacks for one client handle.
///
/// The handle's opaque points at this object, unretained: ``RDKafkaClient`` owns it and keeps it alive
/// until `rd_kafka_destroy` has returned. Log lines are queued by librdkafka (`log.queue=true`) and
/// served by the client's poll thread, so no swift-log handler ever runs on a librdkafka thread.
final class RDKafkaCallbacks: Sendable {
    let logger: Logger
    let statisticsHandler: (@Sendable (KafkaStatistics) -> Void)?
    /// The first fatal error librdkafka raised, if any.
    let fatalError = Mutex<KafkaError?>(nil)
    /// The consumer's rebalance handler; set once, before the poll thread starts.
    let rebalanceHandler = Mutex<(@Sendable (rd_kafka_resp_err_t, RDKafkaTopicPartitionList) -> Void)?>(nil)

    init(logger: Logger, statisticsHandler: (@Sendable (KafkaStatistics) -> Void)?) {
        self.logger = logger
        self.statisticsHandler = statisticsHandler
    }

    static func from(_ handle: OpaquePointer?) -> RDKafkaCallbacks? {
        guard let handle, let opaque = rd_kafka_opaque(handle) else { return nil }
        return Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// Installs the callbacks every client uses on `conf`.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { handle, level, facility, message in
            guard let callbacks = RDKafkaCallbacks.from(handle) else { return }
            callbacks.log(level: level, facility: facility, message: message)
        }
        rd_kafka_conf_set_error_cb(conf) { handle, code, reason, _ in
            guard let callbacks = RDKafkaCallbacks.from(handle) else { return }
            callbacks.error(handle: handle, code: rd_kafka_resp_err_t(code), reason: reason)
        }
        if statisticsHandler != nil {
            rd_kafka_conf_set_stats_cb(conf) { handle, json, length, _ in
                guard let callbacks = RDKafkaCallbacks.from(handle), let json else { return 0 }
                callbacks.statistics(UnsafeRawBufferPointer(start: json, count: length))
                return 0  // librdkafka frees the buffer
            }
        }
    }

    private func log(level: Int32, facility: UnsafePointer<CChar>?, message: UnsafePointer<CChar>?) {
        let swiftLevel: Logger.Level
        switch level {
        case ...2: swiftLevel = .critical
        case 3: swiftLevel = .error
        case 4: swiftLevel = .warning
        case 5: swiftLevel = .notice
        case 6: swiftLevel = .info
        default: swiftLevel = .debug
        }
        guard logger.logLevel <= swiftLevel else { return }
        let text = message.map { String(cString: $0) } ?? ""
        let facilityText = facility.map { String(cString: $0) } ?? ""
        logger.log(level: swiftLevel, "\(text)", metadata: [KafkaLoggingKeys.facility: "\(facilityText)"], source: "librdkafka")
    }

    private func error(handle: OpaquePointer?, code: rd_kafka_resp_err_t, reason: UnsafePointer<CChar>?) {
        let text = reason.map { String(cString: $0) } ?? ""
        guard code == RD_KAFKA_RESP_ERR__FATAL, let handle else {
            logger.warning("librdkafka error", metadata: [KafkaLoggingKeys.error: "\(KafkaError.Code(code))", KafkaLoggingKeys.reason: "\(text)"])
            return
        }
        var buffer = [CChar](repeating: 0, count: 512)
        let underlying = rd_kafka_fatal_error(handle, &buffer, buffer.count)
        let fatal = KafkaError(
            code: KafkaError.Code(underlying),
            message: "fatal librdkafka error, the client must be recreated: \(RDKafkaClient.string(buffer))",
            isFatal: true
        )
        logger.critical("librdkafka fatal error", metadata: [KafkaLoggingKeys.error: "\(fatal.code)"])
        fatalError.withLock { if $0 == nil { $0 = fatal } }
    }

    private func statistics(_ json: UnsafeRawBufferPointer) {
        guard let statisticsHandler else { return }
        do {
            statisticsHandler(try KafkaStatistics(json: json))
        } catch {
            logger.warning("librdkafka statistics could not be decoded", metadata: [KafkaLoggingKeys.error: "\(error)"])
        }
    }
}
