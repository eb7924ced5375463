import Foundation
import SeededRandom
import TestSupport
import Verification

/// Structured fuzzing of the capture-submitted schema: takes a valid capture and breaks it in one
/// of the ways hostile or buggy producers do. Seeded, so a failing run can be repeated
/// (`CHAOS_SEED`).
struct PoisonFuzzer {
    /// A poison event and the dead-letter reasons that are acceptable for it.
    struct Poison {
        var kind: Kind
        var key: String
        var value: [UInt8]
        var reasons: Set<String>
    }

    enum Kind: String, CaseIterable {
        case wrongType, hugeString, deepNesting, invalidUTF8, missingField
        case claimCheckLoopbackAdmin, claimCheckLinkLocal, claimCheckUnlisted
        case twentyMegabytes
    }

    /// The claim-check URL of the simulator's admin API, which a worker must never fetch.
    var loopbackAdminURL: String
    private var generator: SplitMix64

    init(seed: UInt64, loopbackAdminURL: String) {
        self.generator = SplitMix64(seed: seed)
        self.loopbackAdminURL = loopbackAdminURL
    }

    /// `count` poison events, cycling through the kinds (20 MB events at most twice).
    mutating func events(_ count: Int) -> [Poison] {
        var kinds = Kind.allCases.filter { $0 != .twentyMegabytes }
        kinds.shuffle(using: &generator)
        var events = (0..<count).map { index in make(kinds[index % kinds.count], index: index) }
        events.append(make(.twentyMegabytes, index: count))
        if count >= 100 { events.append(make(.twentyMegabytes, index: count + 1)) }
        return events
    }

    private mutating func make(_ kind: Kind, index: Int) -> Poison {
        let key = "tx-poison-\(index)-\(UInt32.random(in: 0...UInt32.max, using: &generator))"
        let capture = CaptureFactory(transactionId: key).front()
        var object = (try? JSONSerialization.jsonObject(with: Data(try! capture.encodedJSON()))) as? [String: Any] ?? [:]
        let schemaFields = ["eventId", "transactionId", "step", "submittedAt", "getExtractedData", "images"]
        let field = schemaFields.randomElement(using: &generator)!
        switch kind {
        case .wrongType:
            // A value of another JSON type than the field's own (a boolean stays wrong only if it is not one).
            let wrong: [Any] = switch field {
            case "getExtractedData": [42, "yes", ["a"], NSNull()]
            case "images": [42, true, "front.jpg", ["a"], NSNull()]
            default: [42, true, ["a", "b"], ["nested": 1], NSNull()]
            }
            object[field] = wrong.randomElement(using: &generator)!
            return Poison(kind: kind, key: key, value: Self.json(object), reasons: ["schema_invalid"])
        case .hugeString:
            object[["step", "submittedAt", "getExtractedData"].randomElement(using: &generator)!] = String(repeating: "A", count: Int.random(in: 100_000...2_000_000, using: &generator))
            return Poison(kind: kind, key: key, value: Self.json(object), reasons: ["schema_invalid"])
        case .deepNesting:
            let depth = Int.random(in: 600...5000, using: &generator)
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            let text = String(decoding: Self.json(object), as: UTF8.self).replacingOccurrences(of: #""getExtractedData":true"#, with: #""getExtractedData":\#(nested)"#)
            return Poison(kind: kind, key: key, value: Array(text.utf8), reasons: ["malformed_json", "schema_invalid"])
        case .invalidUTF8:
            var bytes = Self.json(object)
            let position = Int.random(in: 1..<(bytes.count - 1), using: &generator)
            bytes.insert(contentsOf: [0xFF, 0xFE, 0xC3], at: position)
            return Poison(kind: kind, key: key, value: bytes, reasons: ["malformed_json", "schema_invalid"])
        case .missingField:
            object.removeValue(forKey: field)
            return Poison(kind: kind, key: key, value: Self.json(object), reasons: ["schema_invalid"])
        case .claimCheckLoopbackAdmin, .claimCheckLinkLocal, .claimCheckUnlisted:
            let url = [
                .claimCheckLoopbackAdmin: loopbackAdminURL,
                .claimCheckLinkLocal: "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                .claimCheckUnlisted: "https://images.attacker.example/front.jpg",
            ][kind]!
            object["images"] = ["idFront": ["url": url, "sha256": String(repeating: "ab", count: 32), "sizeBytes": 2048]]
            return Poison(kind: kind, key: key, value: Self.json(object), reasons: ["disallowed_image_host"])
        case .twentyMegabytes:
            object["images"] = ["idFront": ["base64": String(repeating: "QUFB", count: 5 << 20)]]
            return Poison(kind: kind, key: key, value: Self.json(object), reasons: ["oversized"])
        }
    }

    private static func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
}
