import Kafka
import Tracing

/// Reads trace headers (`traceparent`, `tracestate`) from a Kafka record.
package struct KafkaRecordExtractor: Extractor {
    package init() {}

    package func extract(key: String, from carrier: KafkaRecord) -> String? {
        carrier.header(key)
    }
}
