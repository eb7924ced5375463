/// Settings of a ``KafkaProducer``. Every property has librdkafka's default unless noted.
public struct KafkaProducerConfiguration: Sendable {
    /// `bootstrap.servers`: comma-separated `host:port` list.
    public var bootstrapServers: String
    /// `client.id`. Default `vlens-worker`.
    public var clientID: String = "vlens-worker"
    /// `enable.idempotence`. Default `true` (librdkafka's default is `false`); implies `acks=all`.
    public var idempotence: Bool = true
    /// `acks`. Default `all`.
    public var acks: String = "all"
    /// `message.max.bytes`: the largest record batch the producer sends. Default 1,000,000.
    public var messageMaxBytes: Int = 1_000_000
    /// `message.timeout.ms`: how long a record may wait for delivery, retries included. Default 300 s.
    public var messageTimeout: Duration = .seconds(300)
    /// `linger.ms`. Default 5 ms.
    public var linger: Duration = .milliseconds(5)
    /// `transactional.id`; set it to use transactions. Default `nil`.
    public var transactionalID: String? = nil
    /// `transaction.timeout.ms`. Default 60 s.
    public var transactionTimeout: Duration = .seconds(60)
    /// How long the blocking transaction calls (`init`, `commit`, `abort`, `sendOffsets`) may take. Default 30 s.
    public var transactionOperationTimeout: Duration = .seconds(30)
    /// `statistics.interval.ms`; `nil` (the default) disables statistics.
    public var statisticsInterval: Duration? = nil
    /// Any other librdkafka property (`security.protocol`, `sasl.*`, `ssl.*`, `compression.type`, ...).
    /// Applied last, so it overrides the typed settings.
    public var additionalProperties: [String: String] = [:]

    public init(bootstrapServers: String) {
        self.bootstrapServers = bootstrapServers
    }
}
