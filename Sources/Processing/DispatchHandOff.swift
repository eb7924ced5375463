import Synchronization

/// Carries a dispatch into the task that runs it and lets go of it there.
///
/// A task keeps what its closure captured until the task ends, and a slot's task runs record after
/// record (``ProcessingEngine/execute(_:)``): a record captured directly would stay in memory for as
/// long as its slot's task runs, long after it completed. The closure captures this box instead, and
/// the task takes the dispatch out of it.
final class DispatchHandOff<Record: ProcessingRecord>: Sendable {
    private let dispatch: Mutex<Dispatch<Record>?>

    init(_ dispatch: Dispatch<Record>) {
        self.dispatch = Mutex(dispatch)
    }

    /// The dispatch; the box no longer holds it. Called once.
    func take() -> Dispatch<Record> {
        guard let dispatch = dispatch.withLock({ $0.take() }) else {
            preconditionFailure("DispatchHandOff.take() called twice")
        }
        return dispatch
    }
}
