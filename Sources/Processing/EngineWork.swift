/// Work the poll loop and the handlers hand to the task that owns the engine's task group.
enum EngineWork<Record: ProcessingRecord>: Sendable {
    /// Run a record (and, in the same task, whatever the scheduler starts after it).
    case handle(Dispatch<Record>)
    /// Drain, commit and acknowledge revoked partitions.
    case revocation(ProcessingRevocation)
}
