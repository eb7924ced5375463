import Hummingbird
import Synchronization
import Testing

/// A Hummingbird server on a free port of 127.0.0.1, for tests that need an HTTP host of their own
/// (claim-check image hosts that redirect, stall or answer by name).
enum LocalHTTPServer {
    /// Runs `router` while `body` runs; `body` gets the bound port. The server stops when `body` returns.
    static func withRunning<T: Sendable>(_ router: Router<BasicRequestContext>, _ body: (Int) async throws -> T) async throws -> T {
        let port = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await app.runService() }
            defer { group.cancelAll() }
            let deadline = ContinuousClock.now + .seconds(30)
            while port.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            let bound = try #require(port.withLock { $0 }, "the local HTTP server did not start within 30 s")
            return try await body(bound)
        }
    }
}
