import Crypto
import Foundation
import VlensSimulator

/// The test images of the load: for each of a few people, an ID front, an ID back and three
/// distinct selfies of about `imageBytes` each, marked so the simulator reads them as that person.
struct BenchImages: Sendable {
    /// One person's images, base64 (as inline captures carry them).
    struct Person: Sendable {
        var front: String
        var back: String
        var faces: [String]

        var all: [(name: String, base64: String)] {
            [("front", front), ("back", back)] + faces.enumerated().map { ("face-\($0.offset + 1)", $0.element) }
        }
    }

    let people: [Person]

    init(people count: Int, imageBytes: Int) {
        people = (0..<count).map { index in
            let name = "bench-\(index)"
            return Person(
                front: SimulatorImages.front(person: name, padding: imageBytes),
                back: SimulatorImages.back(person: name, padding: imageBytes),
                faces: SimulatorImages.faces(person: name, padding: imageBytes))
        }
    }

    /// Writes every image's bytes under `directory` as `p<person>-<image>.jpg` and returns the
    /// claim-check references (URL under `baseURL`, sha256 of the bytes, size), keyed by base64.
    func writeClaimChecks(to directory: URL, baseURL: String) throws -> [String: ClaimCheckImage] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var references: [String: ClaimCheckImage] = [:]
        for (index, person) in people.enumerated() {
            for image in person.all {
                let bytes = Data(base64Encoded: image.base64)!
                let file = "p\(index)-\(image.name).jpg"
                try bytes.write(to: directory.appendingPathComponent(file))
                let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                references[image.base64] = ClaimCheckImage(url: baseURL + "/" + file, sha256: digest, sizeBytes: bytes.count)
            }
        }
        return references
    }
}

/// Where a claim-checked image is served, and how the worker checks it.
struct ClaimCheckImage: Sendable {
    var url: String
    var sha256: String
    var sizeBytes: Int
}
