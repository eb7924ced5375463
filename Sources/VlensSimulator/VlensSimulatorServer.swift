import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SerialAccess
import Synchronization

/// The Vlens Digital Identity simulator: an HTTP server with Vlens's endpoints, rules and failure modes.
///
/// Run it as a `Service` (it serves until cancelled or shut down gracefully), or in tests with
/// ``withRunning(configuration:logger:_:)``, which starts it on the configured port (0: any free port)
/// and stops it when the body returns. The methods mirror the `/_simulator/` admin endpoints.
public final class VlensSimulatorServer: Service, Sendable {
    public let configuration: SimulatorConfiguration
    let logger: Logger
    let engine: Mutex<SimulatorEngine>
    private let port: Mutex<PortState>
    /// Set while answers are held (``holdAnswers()``): every Vlens call waits for it before answering.
    let answerHold = Mutex<OneTimeGate?>(nil)
    /// Calls waiting for ``releaseAnswers()`` now.
    let heldCalls = Mutex(0)
    /// Vlens calls read and not yet answered (latency, hold, faults included).
    let openCalls = Mutex(0)

    private enum PortState {
        case waiting([CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(any Error)
    }

    /// Thrown by ``waitUntilRunning()`` when the server stopped before it was listening.
    public struct NotRunning: Error, CustomStringConvertible {
        public var description: String { "the Vlens simulator stopped before it was listening" }
    }

    public init(configuration: SimulatorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.engine = Mutex(SimulatorEngine(configuration: configuration))
        self.port = Mutex(.waiting([]))
    }

    /// Serves until the task is cancelled or a graceful shutdown is triggered.
    public func run() async throws {
        let application = Application(
            router: makeRouter(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "vlens-simulator"),
            onServerRunning: { [self] channel in
                self.bound(to: channel.localAddress?.port ?? 0)
            },
            logger: logger)
        do {
            try await application.run()
        } catch {
            fail(error)
            throw error
        }
        fail(NotRunning())
    }

    private func bound(to boundPort: Int) {
        let waiters = port.withLock { state -> [CheckedContinuation<Int, any Error>] in
            defer { state = .bound(boundPort) }
            if case .waiting(let waiters) = state { return waiters }
            return []
        }
        for waiter in waiters { waiter.resume(returning: boundPort) }
    }

    private func fail(_ error: any Error) {
        let waiters = port.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .failed(error)
            return waiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    /// The bound port, once the server listens (waits until then).
    public func waitUntilRunning() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result = port.withLock { state -> Result<Int, any Error>? in
                switch state {
                case .bound(let port): return .success(port)
                case .failed(let error): return .failure(error)
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// Starts a simulator, runs `body` with it and its base URL (`http://host:port`), then stops it.
    public static func withRunning<Result: Sendable>(
        configuration: SimulatorConfiguration,
        logger: Logger = Logger(label: "vlens-simulator"),
        _ body: (VlensSimulatorServer, String) async throws -> Result
    ) async throws -> Result {
        let server = VlensSimulatorServer(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            let port = try await server.waitUntilRunning()
            return try await body(server, "http://\(configuration.host):\(port)")
        }
    }

    // MARK: In-process control (the same as the admin endpoints)

    /// Current faults and rate limit.
    public var faults: SimulatorFaults { engine.withLock { $0.faults } }

    /// Replaces the faults and rate limit.
    public func setFaults(_ faults: SimulatorFaults) { engine.withLock { $0.faults = faults } }

    /// The call ledger, optionally filtered.
    public func ledger(step: String? = nil, transactionId: String? = nil, clientTransactionId: String? = nil)
        -> SimulatorLedger
    {
        engine.withLock {
            $0.ledger.snapshot(step: step, transactionId: transactionId, clientTransactionId: clientTransactionId)
        }
    }

    /// Waits until the ledger has recorded at least `calls` calls (or `timeout` passes) and returns it.
    ///
    /// A client that gave up (deadline, reset) may finish before the simulator has even read the request;
    /// tests that inspect the ledger after such a call wait here first.
    public func ledger(afterCalls calls: Int, timeout: Duration = .seconds(10)) async throws -> SimulatorLedger {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while engine.withLock({ $0.ledger.totalCalls }) < calls, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return ledger()
    }

    /// Forgets transactions, the ledger, issued tokens and runtime fault changes, and releases held answers.
    public func reset() {
        engine.withLock { $0.reset() }
        releaseAnswers()
    }

    /// Holds every Vlens call's answer, after its latency and before its rules and faults, until
    /// ``releaseAnswers()``: a call that is under way for as long as a test needs (the `/_simulator/` endpoints are not held).
    public func holdAnswers() {
        answerHold.withLock { hold in
            if hold == nil { hold = OneTimeGate() }
        }
    }

    /// The Vlens calls being handled now: read, not yet answered.
    public var callsUnderWay: Int { openCalls.withLock { $0 } }

    /// The calls that arrived while answers are held and wait for ``releaseAnswers()``.
    public var callsHeld: Int { heldCalls.withLock { $0 } }

    /// Lets the held answers (and every later one) go.
    public func releaseAnswers() {
        answerHold.withLock { hold in
            defer { hold = nil }
            return hold
        }?.open()
    }

    /// Issues a bearer token for a user (or an admin with the `Requests` permission).
    public func issueToken(emailOrPhoneNumber: String, isAdmin: Bool = false) -> SimulatorToken {
        engine.withLock { $0.issueToken(emailOrPhoneNumber: emailOrPhoneNumber, isAdmin: isAdmin) }
    }

    /// Revokes bearer tokens (user or admin, configured or issued); returns how many were known.
    /// Calls that then carry one get 401 "Invalid user token", as an unknown token does; calls without
    /// `Authorization` (API-key-only captures) are unaffected. ``reset()`` restores the start-up tokens.
    @discardableResult
    public func revokeTokens(_ tokens: [String]) -> Int { engine.withLock { $0.revokeTokens(tokens) } }

    /// Revokes every user token (admin tokens stay); returns how many were revoked.
    @discardableResult
    public func revokeAllUserTokens() -> Int { engine.withLock { $0.revokeAllUserTokens() } }
}
