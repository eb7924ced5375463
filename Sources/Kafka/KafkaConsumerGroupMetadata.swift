import CRdKafka

/// A consumer's group identity (group, generation, member), which a transactional producer sends with
/// the consumed offsets so they commit atomically with its records.
public final class KafkaConsumerGroupMetadata: @unchecked Sendable {  // immutable C object, only read after creation
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { rd_kafka_consumer_group_metadata_destroy(pointer) }
}
