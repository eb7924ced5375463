import Foundation

/// A point in a capture's terminal outputs where a test can make the worker die (SIGKILL, as a crash
/// would), to prove that every output is stored before it is published and re-published identically
/// by the next delivery. Set by `WORKER_TEST_CRASH_POINT`; never set in production.
public enum CrashPoint: String, Sendable, CaseIterable {
    /// The result (and for a failure, everything its dead letter is made of) is stored; nothing is published.
    case afterStore = "after_store"
    /// The first output is published (the result, for a failed capture); the next (its dead letter) is not.
    case afterResult = "after_result"

    /// Dies here when `configured` is this point.
    package func reach(_ configured: CrashPoint?) {
        guard configured == self else { return }
        kill(getpid(), SIGKILL)
    }
}
