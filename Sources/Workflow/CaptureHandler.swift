import Backoff
import Foundation
import Kafka
import Logging
import Processing
import Store
import Tracing
import Verification
import Observability
import Resilience

/// The worker's main job for one `capture-submitted` record, run by the processing engine
/// (one record per transaction at a time, in offset order).
///
/// 1. Poison input (oversized, malformed, schema-invalid, unknown tenant, unusable claim check)
///    goes to the dead-letter topic with the reason; when the event names its transaction, an
///    `invalid` result is stored and published too.
/// 2. A capture whose result is stored is never sent to Vlens again: the stored result is
///    re-published, byte for byte, and so is the dead letter of a stored failure (its time is the
///    stored result's, so every copy is identical). Outputs are stored before they are published.
/// 3. Otherwise the transaction's state machine decides: resolve locally (e.g. liveness before
///    both sides) or call Vlens (after local pre-checks, with an in-flight marker around the call).
/// 4. The result and the new state are stored atomically; the handler then returns its outputs
///    (result, dead letter) to the engine, which delivers them through the source before the offset
///    may be committed (``CaptureDelivery``).
///
/// Infrastructure failures (store, broker) are thrown: the engine retries the record, blocking
/// only its transaction.
public struct CaptureHandler: ProcessingHandler {
    public typealias Record = KafkaRecord

    package let intake: CaptureIntake
    package let store: any VerificationStore
    /// Builds the result and dead-letter records.
    package let outputRecords: OutputRecords
    /// Where a resumed capture's outputs go (a live record's go back to the engine).
    package let delivery: CaptureDelivery
    package let images: ImageResolver
    package let faceCheck: FacePreCheck
    package let runner: VlensStepRunner
    package let gateways: TenantGateways
    package let parking: ParkingLot
    package let includeExtractedData: Bool
    /// Early liveness and link waits.
    package let flow: FlowPolicy
    /// The in-flight markers: who may call Vlens for a capture now.
    package let calls: VlensCallClaims
    package let metrics: WorkerMetrics
    package let tracer: WorkerTracer
    package let logger: Logger

    package init(intake: CaptureIntake, store: any VerificationStore, outputRecords: OutputRecords, delivery: CaptureDelivery, images: ImageResolver, faceCheck: FacePreCheck, runner: VlensStepRunner, gateways: TenantGateways, parking: ParkingLot, includeExtractedData: Bool, flow: FlowPolicy, calls: VlensCallClaims, metrics: WorkerMetrics, tracer: WorkerTracer, logger: Logger) {
        self.intake = intake
        self.store = store
        self.outputRecords = outputRecords
        self.delivery = delivery
        self.images = images
        self.faceCheck = faceCheck
        self.runner = runner
        self.gateways = gateways
        self.parking = parking
        self.includeExtractedData = includeExtractedData
        self.flow = flow
        self.calls = calls
        self.metrics = metrics
        self.tracer = tracer
        self.logger = logger
    }

    /// Handles `record` now and returns its outputs (stored before they are returned); a capture
    /// that cannot progress throws ``CaptureBlocked``. `parked` is the capture's parked form when
    /// the resumer hands it back.
    package func handleNow(_ record: KafkaRecord, parked: ParkedCapture?) async throws -> [KafkaOutgoingRecord] {
        var logger = self.logger
        logger[metadataKey: WorkerLoggingKeys.partition] = "\(record.partition)"
        logger[metadataKey: WorkerLoggingKeys.offset] = "\(record.offset)"
        // A resumed capture was received when it was first parked: its timings count the parked time.
        let received = Timestamp(parked?.parkedAt ?? Date())
        let outputs = PendingOutputs(records: outputRecords)

        // The capture's trace continues here; the result carries this span's context.
        var trace = InstrumentationContext.topLevel
        tracer.extract(record, into: &trace, using: KafkaRecordExtractor())
        let span = tracer.startSpan("process capture", context: trace, ofKind: .consumer)
        defer { span.end() }
        span.attributes["messaging.kafka.partition"] = Int(record.partition)
        span.attributes["messaging.kafka.offset"] = Int(record.offset)

        switch intake.accept(record) {
        case .failure(var poison):
            span.attributes["vlens_worker.dead_letter_reason"] = poison.reason
            poison.traceHeaders = tracer.headers(for: span.context, orElse: poison.traceHeaders)
            do {
                try await deadLetter(record, poison: poison, received: received, outputs: outputs, logger: logger)
            } catch let failure as StoreError {
                throw storeFailed(failure, span: span, logger: logger)
            }
        case .success(var accepted):
            span.attributes["vlens_worker.step"] = accepted.capture.step.rawValue
            accepted.trace = span.context
            accepted.span = span
            accepted.traceHeaders = tracer.headers(for: span.context, orElse: accepted.traceHeaders)
            logger[metadataKey: WorkerLoggingKeys.transactionID] = "\(accepted.capture.transactionId)"
            logger[metadataKey: WorkerLoggingKeys.eventID] = "\(accepted.capture.eventId)"
            logger[metadataKey: WorkerLoggingKeys.step] = "\(accepted.capture.step)"
            do {
                try await calls.locally(accepted.capture.storeKey) {
                    try await process(accepted, record: record, received: received, parked: parked, outputs: outputs, logger: logger)
                }
            } catch let blocked as CaptureBlocked {
                span.addEvent(SpanEvent(name: "capture blocked", attributes: ["vlens_worker.blocked_reason": .string(blocked.reason.rawValue)]))
                throw blocked
            } catch let failure as StoreError {
                throw storeFailed(failure, span: span, logger: logger)
            }
        }
        return outputs.records
    }

    /// What the engine gets for a store failure: the failure itself, tried again in place, or, for a
    /// stored row that does not open, ``CaptureBlocked`` (`store_unreadable`). Only an operator ends
    /// that (the key added back, the row repaired); retried in place it would hold the partition's
    /// commit point until then. Parked, the capture waits aside with its transaction's later
    /// captures behind it, and is tried again every minute. Both are logged with what the store
    /// said, which is what an operator acts on (its messages never carry stored payloads).
    private func storeFailed(_ failure: StoreError, span: any Span, logger: Logger) -> any Error {
        let metadata: Logger.Metadata = [WorkerLoggingKeys.errorCode: "\(failure.code)", WorkerLoggingKeys.error: "\(failure.message)"]
        guard failure.isUnreadableRow else {
            logger.warning("the store failed; the capture will be tried again", metadata: metadata)
            return failure
        }
        logger.error("the store failed: a stored row of this capture does not open; the capture is parked until it does", metadata: metadata)
        span.addEvent(SpanEvent(name: "capture blocked", attributes: ["vlens_worker.blocked_reason": .string(CaptureBlocked.Reason.storeUnreadable.rawValue)]))
        return CaptureBlocked(reason: .storeUnreadable, retryAt: Date() + Self.unreadableRowRetry, failedAttempts: 0)
    }

    // MARK: - Captures

    private func process(_ accepted: CaptureIntake.Accepted, record: KafkaRecord, received: Timestamp, parked: ParkedCapture?, outputs: PendingOutputs, logger: Logger) async throws {
        let capture = accepted.capture
        var redrive: String?
        let key = capture.storeKey
        let lookup = try await timed("lookup", { try await store.lookUp(key) })
        if let stored = lookup.result, stored.transactionID != key.transactionID || stored.step != key.step {
            // Its eventId is another capture's (another transaction or step): answering with that
            // capture's result would drop this one unseen, so it is dead-lettered, storing nothing.
            let error = ContractError(code: .invalidValue, field: "eventId", message: "eventId: already the id of another capture (another transaction or step); each capture needs an id of its own")
            try await deadLetter(record, poison: .init(error: error, reason: "event_id_reused", transactionId: nil, eventId: capture.eventId, step: capture.step, traceHeaders: accepted.traceHeaders, tenant: capture.tenant), received: received, outputs: outputs, logger: logger)
            return
        }
        let redrivenFrom = record.header(DeadLetterRecord.redrivenFromHeader)
        if let stored = lookup.result {
            let result = try Self.storedResult(stored.result)
            if result.outcome == .failed || result.outcome == .invalid, let deadLetter = redrivenFrom,
                result.eventId != VerificationResult.eventID(forCapture: capture.eventId, redrivenFrom: deadLetter)
            {
                // A redriven failed or invalid capture is attempted again, under the redrive's result
                // id. Once that result is stored, a redelivery or replay of the redriven record
                // re-publishes it (the branch below) instead of attempting the capture once more.
                _ = try await timed("discard", { try await store.discardResult(forCapture: capture.eventId) })
                redrive = deadLetter
                logger.info("redriven failed capture: attempting it again")
            } else {
                try outputs.result(result, bytes: stored.result, trace: accepted.traceHeaders)
                accepted.span?.addEvent(SpanEvent(name: "stored result re-published", attributes: result.spanAttributes))
                if Self.wasDeadLettered(result) { try await deadLetterFailure(record, capture: capture, result: result, outputs: outputs, logger: logger) }
                metrics.recordRepublished(step: capture.step.rawValue)
                logger.info("capture already resolved: stored result re-published, Vlens not called", metadata: [WorkerLoggingKeys.outcome: "\(result.outcome)"])
                return
            }
        } else if let deadLetter = redrivenFrom {
            // Nothing stored: the failure was discarded and the worker stopped before the attempt's
            // result was stored. The attempt keeps the redrive's id, never the failure's.
            redrive = deadLetter
        }

        var machine = try Self.machine(from: lookup.transactionState)
        switch machine.onCapture(capture) {
        case .resolve(let resolution):
            let result = VerificationResult(capture: capture, resolution: resolution, attempts: 0, timings: timings(received))
            try await complete(capture, result: result, machine: machine, accepted: accepted, redrive: redrive, outputs: outputs, logger: logger)

        case .awaitSteps(let resolution):
            if let wait = waitBudget(for: capture.step), Date().timeIntervalSince(parked?.parkedAt ?? Date()) < wait.timeInterval {
                // Its transaction's other steps may still come: it waits aside, and they pass it.
                throw CaptureBlocked(reason: .awaitingSteps, retryAt: Date() + .seconds(1), failedAttempts: 0)
            }
            let result = VerificationResult(capture: capture, resolution: resolution, attempts: 0, timings: timings(received))
            try await complete(capture, result: result, machine: machine, accepted: accepted, redrive: redrive, outputs: outputs, logger: logger)

        case .callVlens(let call):
            guard let gateway = gateways.gateway(for: capture.tenant) else {
                let error = ContractError(code: .invalidValue, field: "tenant", message: "tenant: is not configured in this worker (VLENS_TENANTS)")
                try await deadLetter(record, poison: .init(error: error, reason: "unknown_tenant", transactionId: capture.transactionId, eventId: capture.eventId, step: capture.step, traceHeaders: accepted.traceHeaders, tenant: capture.tenant), received: received, redrive: redrive, outputs: outputs, logger: logger)
                return
            }
            let report: VlensStepRunner.Report
            let resolved: VlensStepRunner.Images
            do {
                resolved = try await resolveImages(capture, step: call.step, attempts: parked?.attempts ?? 0)
                if call.step == .liveness, let rejection = faceCheck.rejection(faces: capture.images.faces ?? [], images: resolved.faces) {
                    let resolution = machine.onStepOutcome(rejection)
                    let result = VerificationResult(capture: capture, resolution: resolution, attempts: 0, timings: timings(received))
                    try await complete(capture, result: result, machine: machine, accepted: accepted, redrive: redrive, outputs: outputs, logger: logger)
                    return
                }
                report = try await callVlens(call, capture: capture, images: resolved, gateway: gateway, accepted: accepted, priorAttempts: parked?.attempts ?? 0, logger: logger)
            } catch ImageResolver.Failure.unusable(let error, let reason) {
                try await deadLetter(record, poison: .init(error: error, reason: reason, transactionId: capture.transactionId, eventId: capture.eventId, step: capture.step, traceHeaders: accepted.traceHeaders, tenant: capture.tenant), received: received, redrive: redrive, outputs: outputs, logger: logger)
                return
            } catch var blocked as CaptureBlocked {
                blocked.tenant = gateway.name
                guard let exhausted = parking.policy.exhaustion(of: blocked, parked: parked, now: Date()) else { throw blocked }
                // Past its budget: the capture fails for good, with a dead letter to redrive it from.
                metrics.recordParkExpired(tenant: gateway.name)
                let resolution = machine.onStepOutcome(.failed(exhausted, reason: blocked.reason == .imageHostUnavailable ? .imageHostUnavailable : .vlensUnavailable))
                let attempts = (parked?.attempts ?? 0) + blocked.failedAttempts
                let result = VerificationResult(capture: capture, resolution: resolution, attempts: attempts, timings: timings(received))
                let published = try await complete(capture, result: result, machine: machine, accepted: accepted, redrive: redrive, outputs: outputs, logger: logger)
                if Self.wasDeadLettered(published) { try await deadLetterFailure(record, capture: capture, result: published, outputs: outputs, logger: logger) }
                return
            }
            let resolution = machine.onStepOutcome(report.outcome)
            let response = report.response
            let result = VerificationResult(
                capture: capture,
                resolution: resolution,
                attempts: (parked?.attempts ?? 0) + report.attempts,
                timings: timings(received, vlensTime: report.vlensTime),
                services: response?.servicesSummary(includingDetails: includeExtractedData),
                extractedData: capture.getExtractedData && includeExtractedData ? response?.extractedData : nil,
                checks: response?.idConsistency.map { VerificationResult.Checks(idConsistency: $0) }
            )
            let published = try await complete(capture, result: result, machine: machine, accepted: accepted, redrive: redrive, outputs: outputs, logger: logger)
            if Self.wasDeadLettered(published) {
                try await deadLetterFailure(record, capture: capture, result: published, outputs: outputs, logger: logger)
            }
        }
    }

    /// The step's images as base64. Throws ``ImageResolver/Failure/unusable(_:reason:)`` for a
    /// reference that can never work, ``CaptureBlocked`` when the image host fails transiently.
    private func resolveImages(_ capture: CaptureSubmitted, step: CaptureStep, attempts: Int) async throws -> VlensStepRunner.Images {
        func fetch(_ reference: ImageReference?, field: String) async throws -> ArraySlice<UInt8> {
            guard let reference else {
                throw ImageResolver.Failure.unusable(ContractError(code: .missingField, field: field, message: "\(field): missing (required for this step)"), reason: "schema_invalid")
            }
            do {
                return try await images.resolve(reference, field: field)
            } catch .transient {
                throw CaptureBlocked(reason: .imageHostUnavailable, retryAt: Date() + parking.policy.backoff(afterAttempts: attempts + 1), failedAttempts: 1)
            }
        }
        var resolved = VlensStepRunner.Images()
        let references = capture.images
        switch step {
        case .idFront:
            resolved.idFront = try await fetch(references.idFront, field: "images.idFront")
        case .idBack:
            resolved.idBack = try await fetch(references.idBack, field: "images.idBack")
        case .liveness:
            resolved.idFront = try await fetch(references.idFront, field: "images.idFront")
            for (index, face) in (references.faces ?? []).enumerated() {
                resolved.faces.append(try await fetch(face.image, field: "images.faces[\(index)].image"))
            }
        default:
            break
        }
        return resolved
    }

    /// Calls Vlens for the step, marking the call in flight once its first request is in the tenant's line.
    private func callVlens(
        _ call: VlensCall, capture: CaptureSubmitted, images: VlensStepRunner.Images, gateway: TenantGateway,
        accepted: CaptureIntake.Accepted, priorAttempts: Int, logger: Logger
    ) async throws -> VlensStepRunner.Report {
        let key = capture.storeKey
        let hold = VlensCallClaims.Hold()
        let markCall: @Sendable () async throws -> Void = { [store, calls, metrics] in
            let started = ContinuousClock.now
            let previous = try await calls.claim(key, in: store, hold: hold)
            metrics.recordStore(operation: "begin_call", duration: ContinuousClock.now - started)
            if previous != nil {
                metrics.recordUncertainRepeat(step: capture.step.rawValue)
                logger.warning("capture was mid-call when a worker stopped; Vlens has no idempotency key, so it is called again", metadata: [WorkerLoggingKeys.attempts: "\(previous?.attempts ?? 0)"])
            }
        }
        do {
            return try await tracer.withSpan("vlens \(call.step)", context: accepted.trace, ofKind: .client) { span in
                span.attributes["vlens_worker.step"] = capture.step.rawValue
                let report = try await runner.run(
                    call, capture: capture, images: images, gateway: gateway, trace: tracer.headers(for: span.context, orElse: accepted.traceHeaders),
                    priorAttempts: priorAttempts, parkAfter: parking.policy.parkAfter, beforeFirstSend: markCall,
                    beforeEachSend: { [store, calls] in try await calls.renewIfStale(key, in: store, hold: hold) }
                )
                span.attributes["vlens_worker.attempts"] = report.attempts
                return report
            }
        } catch let blocked as CaptureBlocked where !blocked.callUncertain && blocked.reason != .callInFlightElsewhere {
            // Every call of this try failed with an answer (or none was sent): trying again later is no uncertain repeat.
            try await timed("end_call", { try await store.endCall(key, owner: calls.owner) })
            throw blocked
        }
    }

    /// Stores the result (and the new transaction state) atomically, then publishes the stored bytes.
    /// `redrive` names the dead letter a re-attempted failed capture came from.
    @discardableResult
    private func complete(_ capture: CaptureSubmitted, result: VerificationResult, machine: TransactionStateMachine?, accepted: CaptureIntake.Accepted, redrive: String?, outputs: PendingOutputs, logger: Logger) async throws -> VerificationResult {
        var result = result
        if let redrive { result.eventId = VerificationResult.eventID(forCapture: capture.eventId, redrivenFrom: redrive) }
        let bytes = try result.encodedJSON()
        let state = try machine.map { try CompactJSONEncoder().encode($0) }
        let key = capture.storeKey
        let stored = try await timed("complete", { try await keepingAnswer(logger: logger) { try await store.complete(key, result: bytes, transactionState: state, at: Date()) } })
        let published = stored.result == bytes ? result : try Self.storedResult(stored.result)
        try outputs.result(published, bytes: stored.result, trace: accepted.traceHeaders)
        accepted.span?.addEvent(SpanEvent(name: "result published", attributes: published.spanAttributes))
        metrics.recordResult(step: capture.step.rawValue, outcome: "\(published.outcome)")
        metrics.recordVerdict(status: published.verdict.status.rawValue, reason: published.verdict.reason?.rawValue ?? "none")
        logger.info(
            "capture resolved",
            metadata: [
                WorkerLoggingKeys.outcome: "\(published.outcome)",
                WorkerLoggingKeys.attempts: "\(published.attempts)",
                WorkerLoggingKeys.errorCode: "\(published.error?.code.rawValue ?? "-")",
            ]
        )
        return published
    }

    /// Runs the store write that keeps a capture's result, trying it again while the store fails
    /// (a dropped connection, a failover, an outage, another connection's lock held past its wait):
    /// the answer is in hand, and letting the engine run the capture again would call Vlens again.
    /// A retryable ``StoreError`` is tried again until the task is cancelled; any other failure for up to 30 s.
    private func keepingAnswer<T>(logger: Logger, _ write: () async throws -> T) async throws -> T {
        let backoff = ExponentialBackoff(initial: .milliseconds(200), maximum: .seconds(5))
        let deadline = ContinuousClock.now + .seconds(30)
        var failures = 0
        while true {
            do {
                return try await write()
            } catch {
                failures += 1
                let delay = backoff.ceiling(afterFailures: failures)
                let storeMayRecover = (error as? StoreError)?.isRetryable == true
                guard !(error is CancellationError), !Task.isCancelled, storeMayRecover || ContinuousClock.now + delay < deadline else { throw error }
                var metadata: Logger.Metadata = [WorkerLoggingKeys.attempts: "\(failures)", WorkerLoggingKeys.errorType: "\(type(of: error))"]
                if let failure = error as? StoreError {
                    metadata[WorkerLoggingKeys.errorCode] = "\(failure.code)"
                    metadata[WorkerLoggingKeys.error] = "\(failure.message)"
                }
                logger.warning("storing the capture's result failed; trying again with the answer in hand", metadata: metadata)
                try await Task.sleep(for: delay)
            }
        }
    }

    /// Whether a result was dead-lettered with its capture: a failure Vlens was called for
    /// (retries exhausted, credentials), as opposed to one the state machine resolved locally.
    package static func wasDeadLettered(_ result: VerificationResult) -> Bool {
        result.outcome == .failed && (result.attempts > 0 || result.error?.code == .retriesExhausted)
    }

    /// How long a capture of `step` may wait for its transaction's other steps; `nil` when it may not.
    private func waitBudget(for step: CaptureStep) -> Duration? {
        let wait = step == .link ? flow.linkMaxWait : flow.parkEarlyLiveness ? flow.earlyLivenessMaxWait : .zero
        return wait > .zero ? wait : nil
    }

    private func loadMachine(_ transactionID: String) async throws -> TransactionStateMachine {
        try Self.machine(from: try await timed("state", { try await store.transactionState(transactionID) }))
    }

    /// A transaction's state machine from its stored state; a new one when nothing is stored.
    private static func machine(from state: [UInt8]?) throws -> TransactionStateMachine {
        guard let state else { return TransactionStateMachine() }
        do {
            return try JSONDecoder().decode(TransactionStateMachine.self, from: Data(state))
        } catch {
            throw StoreError(code: .corrupt, message: "a stored transaction state does not decode")
        }
    }

    /// A stored result; a row that does not decode is the store's corruption, not the capture's fault.
    private static func storedResult(_ bytes: [UInt8]) throws -> VerificationResult {
        do {
            return try VerificationResult.decode(bytes)
        } catch {
            throw StoreError(code: .corrupt, message: "a stored capture result does not decode")
        }
    }

    /// How long a capture parked as `store_unreadable` waits before it is tried again.
    static let unreadableRowRetry: Duration = .seconds(60)

    private func timings(_ received: Timestamp, vlensTime: Duration? = nil) -> VerificationResult.Timings {
        VerificationResult.Timings(receivedAt: received, completedAt: Timestamp(Date()), vlensTime: vlensTime)
    }

    private func timed<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        defer { metrics.recordStore(operation: operation, duration: ContinuousClock.now - started) }
        return try await body()
    }

    // MARK: - Dead letters

    /// `redrive` names the dead letter a re-attempted capture came from: its new `invalid` result
    /// takes the redrive's result id, not the one of the result it replaces.
    private func deadLetter(_ record: KafkaRecord, poison: CaptureIntake.Poison, received: Timestamp, redrive: String? = nil, outputs: PendingOutputs, logger: Logger) async throws {
        let reason = DeadLetterRecord.Reason(code: poison.reason, message: poison.error.message, field: poison.error.field)
        guard let transactionID = poison.transactionId else {
            // Nothing names a transaction: no result, and nothing to store the dead letter's time with.
            outputs.deadLetter(Self.letter(record, reason: reason, attempts: 0, failedAt: received, transactionID: nil, eventID: poison.eventId))
            recordPoison(poison, logger: logger)
            return
        }
        // The invalid result is stored first: a second delivery re-publishes it, and a dead letter
        // whose time is the result's, byte for byte.
        let eventID = poison.eventId ?? "\(record.topic)/\(record.partition)/\(record.offset)"
        let key = CaptureKey(captureEventID: eventID, transactionID: transactionID, step: poison.step?.rawValue ?? "unknown")
        let stored: StoredResult
        if let earlier = try await timed("result", { try await store.result(forCapture: eventID) }) {
            stored = earlier
        } else {
            var machine = try await loadMachine(transactionID)
            let resolution = machine.onInvalidCapture(ResultError(invalidEvent: poison.error))
            var result = VerificationResult.invalid(
                captureEventId: eventID, transactionId: transactionID, step: poison.step, tenant: poison.tenant, resolution: resolution, timings: timings(received)
            )
            if let redrive { result.eventId = VerificationResult.eventID(forCapture: eventID, redrivenFrom: redrive) }
            let bytes = try result.encodedJSON()
            let state = try CompactJSONEncoder().encode(machine)
            stored = try await timed("complete", { try await store.complete(key, result: bytes, transactionState: state, at: Date()) })
        }
        let result = try Self.storedResult(stored.result)
        outputs.deadLetter(Self.letter(record, reason: reason, attempts: 0, failedAt: result.timings.completedAt, transactionID: transactionID, eventID: poison.eventId))
        recordPoison(poison, logger: logger)
        try outputs.result(result, bytes: stored.result, trace: poison.traceHeaders)
        metrics.recordResult(step: poison.step?.rawValue ?? "unknown", outcome: "invalid")
    }

    private func recordPoison(_ poison: CaptureIntake.Poison, logger: Logger) {
        metrics.recordDeadLetter(reason: poison.reason)
        logger.warning(
            "poison capture dead-lettered",
            metadata: [WorkerLoggingKeys.reason: "\(poison.reason)", "field": "\(poison.error.field ?? "-")"]
        )
    }

    /// A capture Vlens could not complete (retries exhausted, credentials): dead-letter it with the
    /// reason so it can be redriven once the cause is fixed.
    private func deadLetterFailure(_ record: KafkaRecord, capture: CaptureSubmitted, result: VerificationResult, outputs: PendingOutputs, logger: Logger) async throws {
        let error = result.error
        let reason = DeadLetterRecord.Reason(code: error?.code.rawValue ?? "failed", message: error?.message ?? "the capture could not be completed")
        outputs.deadLetter(
            Self.letter(record, reason: reason, attempts: result.attempts, failedAt: result.timings.completedAt, transactionID: capture.transactionId, eventID: capture.eventId)
        )
        metrics.recordDeadLetter(reason: reason.code)
        logger.error("capture failed and was dead-lettered", metadata: [WorkerLoggingKeys.reason: "\(reason.code)"])
    }

    /// The dead-letter record of `record`: its original key, value and headers, and the reason.
    private static func letter(_ record: KafkaRecord, reason: DeadLetterRecord.Reason, attempts: Int, failedAt: Timestamp, transactionID: String?, eventID: String?) -> DeadLetterRecord {
        DeadLetterRecord(
            reason: reason,
            source: DeadLetterRecord.Source(topic: record.topic, partition: Int(record.partition), offset: record.offset),
            failedAt: failedAt,
            attempts: attempts,
            transactionId: transactionID,
            eventId: eventID,
            key: record.key,
            value: record.value,
            headers: record.headers.map { MessageHeader(name: $0.key, value: $0.value ?? []) }
        )
    }
}

extension VerificationResult {
    /// The bounded codes a span event may carry: outcome, verdict status and reason.
    fileprivate var spanAttributes: SpanAttributes {
        var attributes = SpanAttributes()
        attributes["vlens_worker.outcome"] = "\(outcome)"
        attributes["vlens_worker.verdict"] = verdict.status.rawValue
        if let reason = verdict.reason { attributes["vlens_worker.verdict_reason"] = reason.rawValue }
        return attributes
    }
}
