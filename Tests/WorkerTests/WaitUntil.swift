import Testing

/// Polls `condition` every 100 ms until it holds; records an issue naming `what` and throws when
/// `timeout` passes first.
func waitUntil(_ what: String, within timeout: Duration, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting until \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(100))
    }
}
