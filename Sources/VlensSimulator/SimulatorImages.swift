import Foundation
import SeededRandom

/// Builds base64 test images the simulator understands, so test suites and demos need not invent their own.
///
/// ```swift
/// let front = SimulatorImages.front(person: "alice")
/// let back = SimulatorImages.back(person: "alice")
/// let spoofed = SimulatorImages.front(person: "bob", .spoof)
/// let faces = SimulatorImages.faces(person: "alice")
/// ```
public enum SimulatorImages {
    /// An ID front image for `person` (the OCR seed), with optional outcome markers.
    public static func front(person: String, _ outcomes: SimulatorOutcome..., padding: Int = 64) -> String {
        image(person: person, outcomes: outcomes, kind: "id-front", padding: padding)
    }

    /// An ID back image for `person`, with optional outcome markers.
    public static func back(person: String, _ outcomes: SimulatorOutcome..., padding: Int = 64) -> String {
        image(person: person, outcomes: outcomes, kind: "id-back", padding: padding)
    }

    /// Three distinct face images for `person` (they pass liveness unless marked).
    public static func faces(person: String, _ outcomes: SimulatorOutcome..., padding: Int = 64) -> [String] {
        (1...3).map { image(person: person, outcomes: outcomes, kind: "face-\($0)", padding: padding) }
    }

    /// An image carrying only outcome markers, for any step.
    public static func marked(_ outcomes: SimulatorOutcome..., padding: Int = 64) -> String {
        image(person: nil, outcomes: outcomes, kind: "image", padding: padding)
    }

    /// An unmarked image of about `bytes` decoded bytes; its OCR derives from its hash (`seed` varies it).
    public static func plain(seed: String, bytes: Int = 256) -> String {
        var generator = SplitMix64(seed: seed)
        let data = Data((0..<max(bytes, 1)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        return data.base64EncodedString()
    }

    /// The image's marker line plus `padding` bytes of deterministic filler, base64-encoded.
    static func image(person: String?, outcomes: [SimulatorOutcome], kind: String, padding: Int) -> String {
        var tokens = person.map { ["person=\($0)"] } ?? []
        tokens += outcomes.map(\.token)
        var data = Data((ImageMarker.prefix + tokens.joined(separator: ",") + "\n").utf8)
        var generator = SplitMix64(seed: "\(kind)|\(tokens.joined(separator: ","))")
        data.append(contentsOf: (0..<padding).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        return data.base64EncodedString()
    }
}
