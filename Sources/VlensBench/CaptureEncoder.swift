import Foundation
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

    /// Where `needle` first starts in `haystack`, comparing through raw buffers: the JSON holds the
    /// images already put in (hundreds of KB), and a search through array slices was the driver's
    /// largest cost.
    private static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let head = needle.first, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var start = 0
                let last = hay.count - pin.count
                while start <= last {
                    if hay[start] == head, memcmp(hay.baseAddress! + start, pin.baseAddress!, pin.count) == 0 { return start }
                    start += 1
                }
                return nil
            }
        }
    }
}
