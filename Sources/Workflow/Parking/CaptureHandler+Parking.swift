import Foundation
import Kafka
import Processing
import Store

extension CaptureHandler {
    /// The engine's entry point: handles the record now and returns its outputs, or parks it and
    /// returns none (``ParkingLot/handle(_:tenant:_:)``).
    public func handle(_ record: KafkaRecord) async throws -> [KafkaOutgoingRecord] {
        metrics.recordConsumed()
        return try await parking.handle(record, tenant: { tenantName(of: record) }) { record in
            try await handleNow(record, parked: nil)
        }
    }

    /// Hands a parked capture back to the handler (``ParkingLot/resume(_:as:_:)``). Its outputs
    /// belong to no uncommitted offset, so they are delivered on their own before it is unparked.
    package func resume(_ parked: ParkedCapture) async -> ParkingLot.ResumeOutcome {
        await parking.resume(parked, as: KafkaRecord.self) { record, current in
            try await delivery.deliverAlone(try await handleNow(record, parked: current))
        }
    }

    /// The configured tenant a record names, for parking bounds and labels; `unknown` when the
    /// record does not decode or names no configured tenant.
    private func tenantName(of record: KafkaRecord) -> String {
        guard case .success(let accepted) = intake.accept(record), let gateway = gateways.gateway(for: accepted.capture.tenant) else { return "unknown" }
        return gateway.name
    }
}
