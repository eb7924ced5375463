/// Handles one record. The engine knows nothing else about the work.
///
/// Returning marks the record complete, so its offset may be committed. Throwing makes the engine
/// try the record again after a backoff; the retry blocks only the record's key. A handler that
/// must give up on a record returns normally after recording the failure its own way.
public protocol ProcessingHandler<Record>: Sendable {
    associatedtype Record: ProcessingRecord

    func handle(_ record: Record) async throws
}
