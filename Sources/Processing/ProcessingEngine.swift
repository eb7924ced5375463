import Logging
import SerialAccess
import ServiceLifecycle
import Synchronization

/// Consumes records from a ``ProcessingSource`` and runs a ``ProcessingHandler`` on each:
/// records with equal keys one at a time in offset order, different keys concurrently, within
/// global limits on in-flight records and bytes. A record's outputs go back to the source
/// (``ProcessingSource/deliver(_:for:)``) before the record counts as complete. It commits, per
/// partition, only offsets below which every record completed.
///
/// Run it as a swift-service-lifecycle `Service`: a graceful shutdown stops fetching, lets
/// running records finish (up to ``ProcessingConfiguration/shutdownDrainTimeout``), commits and
/// closes the source. Cancelling ``run()`` instead stops at once, without draining or committing.
public final class ProcessingEngine<Source: ProcessingSource, Handler: ProcessingHandler>: Service, Sendable
where Handler.Record == Source.Record, Handler.Output == Source.Output {
    typealias Record = Source.Record

    let source: Source
    let handler: Handler
    let configuration: ProcessingConfiguration
    let metrics: any ProcessingMetrics
    let logger: Logger

    let state: Mutex<EngineState<Source.Record>>
    let pauseLock = AsyncSerialLock()
    let commitLock = AsyncSerialLock()
    let work: (stream: AsyncStream<EngineWork<Source.Record>>, continuation: AsyncStream<EngineWork<Source.Record>>.Continuation)
    let shutdownSignal: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)
    private let started = Mutex(false)
    private let waiterIDs = Atomic<UInt64>(0)
    private let sourceFailure = Mutex<(any Error)?>(nil)

    /// - Parameters:
    ///   - source: where records come from; the engine closes it when it stops gracefully.
    ///   - handler: the work to do per record.
    ///   - configuration: ordering, limits, commit interval and deadlines.
    ///   - metrics: where to report load and handler latency.
    ///   - logger: the engine logs partitions and offsets, never record contents.
    public init(
        source: Source,
        handler: Handler,
        configuration: ProcessingConfiguration = ProcessingConfiguration(),
        metrics: any ProcessingMetrics = NoProcessingMetrics(),
        logger: Logger
    ) {
        self.source = source
        self.handler = handler
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.state = Mutex(EngineState(configuration: configuration))
        // Holds at most `maxInFlightRecords` records to start plus one revocation per rebalance:
        // the scheduler only hands out records for free slots.
        self.work = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        self.shutdownSignal = AsyncStream.makeStream()
    }

    /// Runs until the source ends or a graceful shutdown completes. Call it once.
    ///
    /// Throws the source's error if its event stream failed (after draining and committing).
    public func run() async throws {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        precondition(first, "ProcessingEngine.run() called twice")
        logger.info(
            "Processing engine starting",
            metadata: [
                ProcessingLoggingKeys.ordering: "\(configuration.ordering)",
                ProcessingLoggingKeys.running: "\(configuration.maxInFlightRecords)",
            ])
        await withGracefulShutdownHandler {
            await self.runTasks()
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        if let error = sourceFailure.withLock({ $0 }) { throw error }
    }

    /// Starts a graceful shutdown: stop fetching, drain running records, commit, close the source.
    /// ``run()`` returns when it is done. Calling it again has no effect.
    public func beginShutdown() {
        shutdownSignal.continuation.finish()
    }

    /// The engine's current load.
    public func snapshot() -> ProcessingSnapshot {
        state.withLock { $0.snapshot() }
    }

    private func runTasks() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.pollEvents() }
            group.addTask { await self.commitPeriodically() }
            group.addTask { await self.shutDownWhenAsked() }
            // Ends when the shutdown completes, or at once when `run()` is cancelled.
            for await work in self.work.stream {
                switch work {
                case .handle(let dispatch):
                    let handOff = DispatchHandOff(dispatch)
                    group.addTask { await self.execute(handOff.take()) }
                case .revocation(let revocation):
                    group.addTask { await self.finishRevocation(revocation) }
                }
            }
            group.cancelAll()
        }
    }

    /// Reads the source's events until it ends; the poll never waits for capacity.
    private func pollEvents() async {
        do {
            for try await event in source.makeEvents() {
                if Task.isCancelled { break }
                switch event.kind {
                case .record(let record):
                    let action = state.withLock { $0.onRecord(record) }
                    await perform(action)
                case .assigned(let partitions):
                    logger.info("Partitions assigned", metadata: [ProcessingLoggingKeys.partitions: "\(partitions)"])
                    state.withLock { $0.onAssigned(partitions) }
                    await reconcilePauses()
                case .revoked(let revocation):
                    logger.info(
                        "Partitions revoked", metadata: [ProcessingLoggingKeys.partitions: "\(revocation.partitions)"])
                    let action = state.withLock { $0.onRevoked(Set(revocation.partitions)) }
                    work.continuation.yield(.revocation(revocation))
                    await perform(action)
                }
            }
        } catch is CancellationError {
            // run() was cancelled: a stop, not a failure of the source.
        } catch {
            logger.error(
                "Source event stream failed; shutting down",
                metadata: [ProcessingLoggingKeys.errorType: "\(type(of: error))"])
            sourceFailure.withLock { $0 = error }
        }
        beginShutdown()
    }

    /// Starts the record the action names, wakes drain waiters and updates pauses.
    func perform(_ action: EngineState<Source.Record>.Action) async {
        if let start = action.start { work.continuation.yield(.handle(start)) }
        for waiter in action.drained { waiter.resume() }
        if action.reconcilePauses { await reconcilePauses() }
    }

    func nextWaiterID() -> UInt64 {
        waiterIDs.add(1, ordering: .relaxed).newValue
    }
}
