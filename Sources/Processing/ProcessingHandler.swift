/// Handles one record. The engine knows nothing else about the work.
///
/// Returning marks the record handled; the engine then hands what it returned (results, dead
/// letters) to the source (``ProcessingSource/deliver(_:for:)``), and only once that returned may
/// the record's offset be committed. Throwing makes the engine try the record again after a
/// backoff; the retry blocks only the record's key. A handler that must give up on a record returns
/// normally after recording the failure its own way (typically as an output).
public protocol ProcessingHandler<Record>: Sendable {
    associatedtype Record: ProcessingRecord
    /// What handling a record produces; `Never` for work without outputs.
    associatedtype Output: Sendable = Never

    func handle(_ record: Record) async throws -> [Output]
}
