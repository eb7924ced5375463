import Foundation

/// librdkafka's statistics (`statistics.interval.ms`), reduced to what metrics need.
///
/// Lag and high watermarks come from the broker's ListOffsets answers, so they are only as right as the
/// broker (the tansu test broker answers ListOffsets(latest) wrongly).
public struct KafkaStatistics: Sendable, Hashable {
    /// One broker connection.
    public struct Broker: Sendable, Hashable {
        /// librdkafka's broker name (`host:port/id`).
        public var name: String
        public var nodeID: Int
        /// `UP`, `DOWN`, `INIT`, ...
        public var state: String
        /// Average request round-trip time over the last window; `nil` before any request.
        public var roundTripTimeAverage: Duration?
        /// 99th-percentile round-trip time over the last window.
        public var roundTripTimeP99: Duration?
        /// Requests waiting to be sent.
        public var outboundQueueDepth: Int
        /// Requests sent and waiting for a response.
        public var awaitingResponseCount: Int
    }

    /// One partition this client produces to or consumes from.
    public struct Partition: Sendable, Hashable {
        public var topicPartition: KafkaTopicPartition
        /// Consumer lag in records (high watermark minus position); `nil` when unknown.
        public var consumerLag: Int64?
        /// Records fetched and waiting for the application in librdkafka's fetch queue.
        public var fetchQueueDepth: Int
        /// Producer records waiting in the partition queue.
        public var messageQueueDepth: Int
        /// Producer records ready to be sent to the broker.
        public var transmitQueueDepth: Int
        public var committedOffset: Int64?
        public var highWatermark: Int64?
    }

    public var clientID: String
    /// `producer` or `consumer`.
    public var clientType: String
    /// When librdkafka took the snapshot.
    public var time: Date
    /// Producer: messages waiting for delivery, all partitions together.
    public var queuedMessages: Int
    /// Operations (callbacks, events) waiting to be served by the poll thread.
    public var replyQueueDepth: Int
    public var brokers: [Broker]
    public var partitions: [Partition]
}

extension KafkaStatistics {
    /// Decodes librdkafka's JSON statistics document.
    init(json: UnsafeRawBufferPointer) throws {
        let raw = try JSONDecoder().decode(RawStatistics.self, from: Data(json))
        clientID = raw.client_id
        clientType = raw.type
        time = Date(timeIntervalSince1970: TimeInterval(raw.time))
        queuedMessages = raw.msg_cnt ?? 0
        replyQueueDepth = raw.replyq ?? 0
        brokers = (raw.brokers ?? [:]).values.map { broker in
            Broker(
                name: broker.name, nodeID: broker.nodeid ?? -1, state: broker.state ?? "",
                roundTripTimeAverage: broker.rtt.flatMap { $0.cnt ?? 0 > 0 ? .microseconds($0.avg ?? 0) : nil },
                roundTripTimeP99: broker.rtt.flatMap { $0.cnt ?? 0 > 0 ? .microseconds($0.p99 ?? 0) : nil },
                outboundQueueDepth: broker.outbuf_cnt ?? 0, awaitingResponseCount: broker.waitresp_cnt ?? 0
            )
        }.sorted { $0.name < $1.name }
        partitions = (raw.topics ?? [:]).values.flatMap { topic in
            (topic.partitions ?? [:]).values.filter { $0.partition >= 0 }.map { partition in
                Partition(
                    topicPartition: KafkaTopicPartition(topic: topic.topic, partition: partition.partition),
                    consumerLag: partition.consumer_lag.flatMap { $0 >= 0 ? $0 : nil },
                    fetchQueueDepth: partition.fetchq_cnt ?? 0, messageQueueDepth: partition.msgq_cnt ?? 0,
                    transmitQueueDepth: partition.xmit_msgq_cnt ?? 0,
                    committedOffset: partition.committed_offset.flatMap { $0 >= 0 ? $0 : nil },
                    highWatermark: partition.hi_offset.flatMap { $0 >= 0 ? $0 : nil }
                )
            }
        }.sorted { ($0.topicPartition.topic, $0.topicPartition.partition) < ($1.topicPartition.topic, $1.topicPartition.partition) }
    }
}

/// The subset of librdkafka's statistics JSON the wrapper reads (field names as librdkafka writes them).
private struct RawStatistics: Decodable {
    struct Window: Decodable {
        var avg: Int64?
        var p99: Int64?
        var cnt: Int64?
    }

    struct Broker: Decodable {
        var name: String
        var nodeid: Int?
        var state: String?
        var outbuf_cnt: Int?
        var waitresp_cnt: Int?
        var rtt: Window?
    }

    struct Partition: Decodable {
        var partition: Int32
        var consumer_lag: Int64?
        var fetchq_cnt: Int?
        var msgq_cnt: Int?
        var xmit_msgq_cnt: Int?
        var committed_offset: Int64?
        var hi_offset: Int64?
    }

    struct Topic: Decodable {
        var topic: String
        var partitions: [String: Partition]?
    }

    var client_id: String
    var type: String
    var time: Int64
    var msg_cnt: Int?
    var replyq: Int?
    var brokers: [String: Broker]?
    var topics: [String: Topic]?
}
