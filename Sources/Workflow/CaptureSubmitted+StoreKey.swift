import Store
import Verification

extension CaptureSubmitted {
    /// The capture's key in the verification store.
    package var storeKey: CaptureKey {
        CaptureKey(captureEventID: eventId, transactionID: transactionId, step: step.rawValue)
    }
}
