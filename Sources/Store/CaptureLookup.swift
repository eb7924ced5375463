/// What the store knows before a capture is handled: the capture's stored result, if it completed
/// before, and its transaction's state, if any step of the transaction completed before.
public struct CaptureLookup: Sendable, Equatable {
    public var result: StoredResult?
    public var transactionState: [UInt8]?

    public init(result: StoredResult? = nil, transactionState: [UInt8]? = nil) {
        self.result = result
        self.transactionState = transactionState
    }
}

extension VerificationStore {
    /// Reads the two with two calls; engines override it with one round trip.
    public func lookUp(_ capture: CaptureKey) async throws -> CaptureLookup {
        CaptureLookup(
            result: try await result(forCapture: capture.captureEventID),
            transactionState: try await transactionState(capture.transactionID)
        )
    }
}
