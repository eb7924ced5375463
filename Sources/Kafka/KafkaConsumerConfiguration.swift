/// Settings of a ``KafkaConsumer``. Every property has librdkafka's default unless noted.
public struct KafkaConsumerConfiguration: Sendable {
    /// How partitions are assigned to the members of a group.
    public struct RebalanceProtocol: Hashable, Sendable, CustomStringConvertible {
        let assignor: String
        /// Incremental (KIP-429): only moved partitions are revoked. The default.
        public static let cooperativeSticky = Self(assignor: "cooperative-sticky")
        /// Eager range assignment: every rebalance revokes all partitions first.
        public static let eagerRange = Self(assignor: "range")
        /// Eager round-robin assignment.
        public static let eagerRoundRobin = Self(assignor: "roundrobin")
        public var description: String { assignor }
    }

    /// Where a group without a committed offset starts reading.
    public struct OffsetReset: Hashable, Sendable {
        let value: String
        /// The oldest retained record. The default.
        public static let earliest = Self(value: "earliest")
        /// Only records produced after the consumer joined.
        public static let latest = Self(value: "latest")
        /// Fail: the consumer receives an error.
        public static let error = Self(value: "error")
    }

    /// Whether records of open or aborted transactions are delivered.
    public struct IsolationLevel: Hashable, Sendable {
        let value: String
        /// Only committed transactional records (and all non-transactional ones). The default.
        public static let readCommitted = Self(value: "read_committed")
        /// Everything, including records of open and aborted transactions.
        public static let readUncommitted = Self(value: "read_uncommitted")
    }

    /// The bounded buffer between the poll thread and the application.
    ///
    /// When `highWatermark` records or `highWatermarkBytes` bytes wait for the application, fetching
    /// pauses: the poll thread stops taking records from librdkafka (it keeps serving rebalances, logs
    /// and statistics), and librdkafka stops fetching once its own queue holds
    /// ``queuedMaxMessagesKBytes``. Fetching resumes when the buffer is down to `lowWatermark` records
    /// and `lowWatermarkBytes` bytes.
    public struct EventBuffer: Sendable {
        /// Records buffered before fetching pauses. Default 1,000.
        public var highWatermark: Int = 1000
        /// Records left in the buffer when fetching resumes. Default 250.
        public var lowWatermark: Int = 250
        /// Bytes of records (key, value, headers) buffered before fetching pauses; `nil` (the default):
        /// no byte bound. The poll thread takes one record at a time, so the buffer exceeds it by at
        /// most one record.
        public var highWatermarkBytes: Int? = nil
        /// Bytes left in the buffer when fetching resumes. Default: a quarter of `highWatermarkBytes`.
        public var lowWatermarkBytes: Int? = nil
        public init() {}
    }

    /// `bootstrap.servers`: comma-separated `host:port` list.
    public var bootstrapServers: String
    /// `group.id`.
    public var groupID: String
    /// `client.id`. Default `vlens-worker`.
    public var clientID: String = "vlens-worker"
    /// `session.timeout.ms`. Default 45 s.
    public var sessionTimeout: Duration = .seconds(45)
    /// `heartbeat.interval.ms`. Default 3 s.
    public var heartbeatInterval: Duration = .seconds(3)
    /// `max.poll.interval.ms`. Default 300 s. The poll thread keeps polling while partitions are paused,
    /// so a slow application does not exceed it; only a revoke that waits longer than this would.
    public var maxPollInterval: Duration = .seconds(300)
    /// `partition.assignment.strategy`. Default ``RebalanceProtocol/cooperativeSticky``.
    public var rebalanceProtocol: RebalanceProtocol = .cooperativeSticky
    /// How long a revoke waits for ``KafkaRevocation/acknowledge()`` before the partitions are released anyway.
    /// Default 30 s. Keep it below `maxPollInterval`.
    public var revokeDeadline: Duration = .seconds(30)
    /// `auto.offset.reset`. Default ``OffsetReset/earliest`` (librdkafka's default is `latest`).
    public var autoOffsetReset: OffsetReset = .earliest
    /// `isolation.level`. Default ``IsolationLevel/readCommitted``.
    public var isolationLevel: IsolationLevel = .readCommitted
    /// `receive.message.max.bytes`. Default 100,000,000. Must exceed `fetch.max.bytes` by 512.
    public var receiveMessageMaxBytes: Int = 100_000_000
    /// `fetch.max.bytes`: the most bytes one fetch response carries (the broker still returns a first
    /// record larger than this). Default 52,428,800. Must be at least `message.max.bytes` (1,000,000).
    public var fetchMaxBytes: Int = 52_428_800
    /// `max.partition.fetch.bytes`: the most bytes one fetch takes from one partition (the broker still
    /// returns a first record larger than this). Default 1,048,576.
    public var maxPartitionFetchBytes: Int = 1_048_576
    /// `queued.max.messages.kbytes`: the most kilobytes librdkafka prefetches into its queue, across all
    /// assigned partitions; one fetch response may overshoot it. Default 65,536 (64 MiB).
    public var queuedMaxMessagesKBytes: Int = 65_536
    /// `statistics.interval.ms`; `nil` (the default) disables statistics.
    public var statisticsInterval: Duration? = nil
    /// The buffer toward the application.
    public var eventBuffer = EventBuffer()
    /// Any other librdkafka property (`security.protocol`, `sasl.*`, `ssl.*`, ...). Applied last, so it
    /// overrides the typed settings. `enable.auto.commit` and `enable.auto.offset.store` are always `false`.
    public var additionalProperties: [String: String] = [:]

    public init(bootstrapServers: String, groupID: String) {
        self.bootstrapServers = bootstrapServers
        self.groupID = groupID
    }
}
