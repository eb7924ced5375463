extension DeadLetterRecord {
    /// The header a redriven capture carries: the dead letter's `topic/partition/offset`.
    ///
    /// A worker that finds a `failed` result stored for a capture with this header attempts the
    /// capture again, under a new result id (``VerificationResult/eventID(forCapture:redrivenFrom:)``).
    public static let redrivenFromHeader = "vlens_redriven_from"

    /// The headers of a dead letter put back on the capture topic: the original headers (the
    /// `dlq_*` ones removed) plus ``redrivenFromHeader`` naming the dead letter.
    public static func redriveHeaders(_ headers: [MessageHeader], deadLetter: String) -> [MessageHeader] {
        headers.filter { !$0.name.hasPrefix("dlq_") && $0.name != redrivenFromHeader }
            + [MessageHeader(name: redrivenFromHeader, text: deadLetter)]
    }
}
