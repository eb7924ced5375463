import Foundation
import Verification

/// The closed-loop load: `outstanding` transactions in progress at once, each with one capture
/// waiting for its result. A result releases the transaction's next step (ID front, ID back,
/// liveness); a finished transaction is replaced by a new one. Waiting captures therefore always
/// have distinct keys, as thousands of users interleave in production, and the worker is never
/// short of work while `outstanding` exceeds what it keeps in flight.
struct ClosedLoopLoad: Sendable {
    /// A capture whose result has not arrived.
    struct Waiting: Sendable {
        var transactionId: String
        var step: CaptureStep
        var person: Int
        var submittedAt: Date
    }

    /// The next capture to send.
    struct Next: Sendable {
        var transactionId: String
        var step: CaptureStep
        var person: Int
    }

    let runID: String
    private var started = 0
    private var waiting: [String: Waiting] = [:]

    init(runID: String) { self.runID = runID }

    var waitingCount: Int { waiting.count }

    /// The first capture of a new transaction.
    mutating func newTransaction() -> Next {
        defer { started += 1 }
        return Next(transactionId: "\(runID)-tx-\(started)", step: .idFront, person: started)
    }

    mutating func sent(_ next: Next, eventId: String, at date: Date) {
        waiting[eventId] = Waiting(transactionId: next.transactionId, step: next.step, person: next.person, submittedAt: date)
    }

    /// Takes the capture `eventId` off the waiting list; returns it and what to send next.
    mutating func resolved(_ eventId: String) -> (Waiting, Next)? {
        guard let done = waiting.removeValue(forKey: eventId) else { return nil }
        switch done.step {
        case .idFront: return (done, Next(transactionId: done.transactionId, step: .idBack, person: done.person))
        case .idBack: return (done, Next(transactionId: done.transactionId, step: .liveness, person: done.person))
        default: return (done, newTransaction())
        }
    }
}
