import Verification

/// Local checks of the liveness selfies before a Vlens call is spent on them:
/// three distinct images, captured within `maximumSpan` of each other when times are given.
package struct FacePreCheck: Sendable {
    /// The longest time between the first and the last selfie. Default 0.5 s.
    package var maximumSpan: Duration = .milliseconds(500)

    package init(maximumSpan: Duration = .milliseconds(500)) {
        self.maximumSpan = maximumSpan
    }

    /// The rejection for these faces, or `nil` when they pass. `images` are the resolved base64 images.
    package func rejection(faces: [CaptureSubmitted.Face], images: [ArraySlice<UInt8>]) -> StepOutcome? {
        // Pairwise: lengths first, then the bytes (hashing megabytes of images would cost more).
        let identical = images.indices.contains { i in images.indices.contains { j in j > i && images[i] == images[j] } }
        if identical {
            return .rejected(
                ResultError(code: .facesIdentical, message: "two or more liveness images are identical; three distinct selfies are needed", retryable: VerdictReason.facesIdentical.isRetryable),
                reason: .facesIdentical)
        }
        let times = faces.compactMap { $0.capturedAt?.date }
        if times.count >= 2, let first = times.min(), let last = times.max() {
            let span = last.timeIntervalSince(first)
            let limit = Double(maximumSpan.components.seconds) + Double(maximumSpan.components.attoseconds) / 1e18
            if span > limit {
                return .rejected(
                    ResultError(
                        code: .facesSpanExceeded,
                        message: "the liveness selfies span \(Int((span * 1000).rounded())) ms; at most \(Int(limit * 1000)) ms is allowed",
                        retryable: VerdictReason.facesTooFarApart.isRetryable
                    ),
                    reason: .facesTooFarApart)
            }
        }
        return nil
    }
}
