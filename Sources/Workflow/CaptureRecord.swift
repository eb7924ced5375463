import Kafka
import Processing

/// A record the capture handler can take: a Kafka record, or one that carries what a broker would
/// have delivered (an in-memory log's record in the behaviour tests).
public protocol CaptureRecord: ProcessingRecord {
    var kafkaRecord: KafkaRecord { get }
}

extension KafkaRecord: CaptureRecord {
    public var kafkaRecord: KafkaRecord { self }
}

/// The capture handler behind a source of other ``CaptureRecord``s.
package struct CaptureRecordHandler<Record: CaptureRecord>: ProcessingHandler {
    package let handler: CaptureHandler

    package init(handler: CaptureHandler) {
        self.handler = handler
    }

    package func handle(_ record: Record) async throws -> [KafkaOutgoingRecord] {
        try await handler.handle(record.kafkaRecord)
    }
}
