extension Duration {
    /// Whole milliseconds, rounded down, as librdkafka's `*.ms` properties and timeouts expect.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// Milliseconds clamped to `Int32`, for librdkafka's `int timeout_ms` parameters.
    var timeoutMilliseconds: Int32 { Int32(clamping: max(0, wholeMilliseconds)) }
}

extension KafkaConsumerConfiguration {
    /// The librdkafka properties this configuration stands for.
    var properties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers,
            "group.id": groupID,
            "client.id": clientID,
            "session.timeout.ms": String(sessionTimeout.wholeMilliseconds),
            "heartbeat.interval.ms": String(heartbeatInterval.wholeMilliseconds),
            "max.poll.interval.ms": String(maxPollInterval.wholeMilliseconds),
            "partition.assignment.strategy": rebalanceProtocol.assignor,
            "auto.offset.reset": autoOffsetReset.value,
            "isolation.level": isolationLevel.value,
            "receive.message.max.bytes": String(receiveMessageMaxBytes),
            "fetch.max.bytes": String(fetchMaxBytes),
            "max.partition.fetch.bytes": String(maxPartitionFetchBytes),
            "queued.max.messages.kbytes": String(queuedMaxMessagesKBytes),
        ]
        if let statisticsInterval {
            properties["statistics.interval.ms"] = String(statisticsInterval.wholeMilliseconds)
        }
        properties.merge(additionalProperties) { _, new in new }
        // The wrapper commits explicitly; these two are not negotiable.
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        return properties
    }
}

extension KafkaProducerConfiguration {
    /// The librdkafka properties this configuration stands for.
    var properties: [String: String] {
        var properties = [
            "bootstrap.servers": bootstrapServers,
            "client.id": clientID,
            "enable.idempotence": idempotence ? "true" : "false",
            "acks": acks,
            "message.max.bytes": String(messageMaxBytes),
            "message.timeout.ms": String(messageTimeout.wholeMilliseconds),
            "linger.ms": String(linger.wholeMilliseconds),
        ]
        if let transactionalID {
            properties["transactional.id"] = transactionalID
            properties["transaction.timeout.ms"] = String(transactionTimeout.wholeMilliseconds)
            // librdkafka requires message.timeout.ms <= transaction.timeout.ms.
            properties["message.timeout.ms"] = String(min(messageTimeout, transactionTimeout).wholeMilliseconds)
        }
        if let statisticsInterval {
            properties["statistics.interval.ms"] = String(statisticsInterval.wholeMilliseconds)
        }
        properties.merge(additionalProperties) { _, new in new }
        return properties
    }
}
