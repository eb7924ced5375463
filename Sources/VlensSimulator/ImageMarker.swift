import Foundation

/// What the marker at the start of an image asks for. Parsing looks at a short prefix only, so a
/// 300 KB image costs a few dozen bytes of decoding.
struct ImageMarker: Sendable, Equatable {
    static let prefix = "VLENS-SIM:"

    /// `person=<seed>`: derive OCR from this seed instead of the image hash.
    var personSeed: String?
    var outcomes: Set<String> = []

    func has(_ outcome: SimulatorOutcome) -> Bool { outcomes.contains(outcome.token) }

    /// Reads the marker of a base64 image (or of raw marker text). Returns an empty marker when there is none.
    init(image: String) {
        guard let line = Self.markerLine(image) else { return }
        for token in line.split(separator: ",") {
            let trimmed = token.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("person=") {
                personSeed = String(trimmed.dropFirst("person=".count))
            } else if !trimmed.isEmpty {
                outcomes.insert(trimmed)
            }
        }
    }

    private static func markerLine(_ image: String) -> Substring? {
        let text: String
        if image.hasPrefix(prefix) {
            text = image
        } else {
            // 120 base64 characters decode to 90 bytes: enough for the marker line.
            let head = image.utf8.prefix(120)
            let usable = head.count - head.count % 4
            guard usable > 0,
                let bytes = Data(base64Encoded: Data(head.prefix(usable))),
                bytes.starts(with: Array(prefix.utf8))
            else { return nil }
            text = String(decoding: bytes, as: UTF8.self)
        }
        let body = text.dropFirst(prefix.count)
        return body.prefix { $0 != "\n" && $0 != "\r" }
    }
}
