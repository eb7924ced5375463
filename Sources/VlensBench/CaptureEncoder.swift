import Verification

/// Encodes captures byte for byte as `CaptureSubmitted.encodedJSON()` does, without running
/// megabytes of base64 through `JSONEncoder`: the capture is encoded with short placeholder images,
/// and the placeholders are then replaced by the images (base64 needs no JSON escaping).
enum CaptureEncoder {
    /// The placeholder for the `index`th inline image.
    static func placeholder(_ index: Int) -> String { "BENCH\(index)IMAGE" }

    /// `capture` must carry `.inline(base64: placeholder(i))` for image `i` of `images`.
    static func encode(_ capture: CaptureSubmitted, images: [String]) throws -> [UInt8] {
        var json = try capture.encodedJSON()
        for (index, image) in images.enumerated() {
            let marker = Array(placeholder(index).utf8)
            guard let start = firstRange(of: marker, in: json) else { continue }
            json.replaceSubrange(start..<(start + marker.count), with: image.utf8)
        }
        return json
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { start in
            haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}
