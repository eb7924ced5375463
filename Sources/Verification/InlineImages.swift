#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The inline images of a capture event, lifted out of its JSON before it is decoded: every string
/// value of a `base64` key becomes a slice of the event's own bytes (shared storage, no copy) and a
/// short placeholder in the small "skeleton" that `JSONDecoder` then reads. Decoding megabytes of
/// base64 as JSON strings was the capture path's largest cost; finding where they end is a
/// `memchr` for the closing quote.
///
/// A value with an escape (`\/` is legal JSON for `/`) is left in place and decoded as before.
final class InlineImages: Sendable {
    /// The `JSONDecoder.userInfo` key under which ``ImageReference`` finds the lifted images.
    static let userInfoKey = CodingUserInfoKey(rawValue: "vlens-worker.inline-images")!
    /// The placeholder's prefix: `#` is not in the base64 alphabet, so no image is mistaken for one,
    /// and a random tag drawn at start-up, so no event can name a placeholder itself (an escaped
    /// `"\u0023inline-image-0"` is not lifted, and decodes to a string that is not the prefix).
    private static let prefix = Array("#inline-image-\(UInt64.random(in: .min ... .max))-".utf8)

    /// The event with each lifted image replaced by its placeholder.
    let skeleton: [UInt8]
    let images: [ArraySlice<UInt8>]

    init(lifting bytes: [UInt8]) {
        var skeleton: [UInt8] = []
        var images: [ArraySlice<UInt8>] = []
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var copied = 0
            var position = 0
            while let open = Self.find(UInt8(ascii: "\""), in: buffer, from: position), let close = Self.stringEnd(in: buffer, open: open) {
                position = close + 1
                guard close - open - 1 == 6, Self.equals(buffer, from: open + 1, "base64") else { continue }
                var next = Self.skipSpace(in: buffer, from: close + 1)
                guard next < count, buffer[next] == UInt8(ascii: ":") else { continue }
                next = Self.skipSpace(in: buffer, from: next + 1)
                guard next < count, buffer[next] == UInt8(ascii: "\""), let valueEnd = Self.stringEnd(in: buffer, open: next) else { continue }
                position = valueEnd + 1
                guard Self.find(UInt8(ascii: "\\"), in: buffer, from: next + 1, to: valueEnd) == nil else { continue }
                if skeleton.isEmpty { skeleton.reserveCapacity(4096) }
                skeleton.append(contentsOf: buffer[copied...next])
                skeleton.append(contentsOf: Self.prefix)
                skeleton.append(contentsOf: String(images.count).utf8)
                images.append(bytes[(next + 1)..<valueEnd])
                copied = valueEnd
            }
            if images.isEmpty { return }
            skeleton.append(contentsOf: buffer[copied...])
        }
        self.skeleton = images.isEmpty ? bytes : skeleton
        self.images = images
    }

    /// The lifted image a decoded string stands for, if it is a placeholder.
    func image(for text: String) -> ArraySlice<UInt8>? {
        let utf8 = Array(text.utf8)
        guard utf8.count > Self.prefix.count, utf8.starts(with: Self.prefix),
            let index = Int(String(decoding: utf8[Self.prefix.count...], as: UTF8.self)), images.indices.contains(index)
        else { return nil }
        return images[index]
    }

    /// The index of the closing quote of the string opened at `open`, or `nil` if it never closes.
    private static func stringEnd(in buffer: UnsafeBufferPointer<UInt8>, open: Int) -> Int? {
        var from = open + 1
        while let quote = find(UInt8(ascii: "\""), in: buffer, from: from) {
            var backslashes = 0
            while quote - backslashes - 1 > open, buffer[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes % 2 == 0 { return quote }
            from = quote + 1
        }
        return nil
    }

    private static func find(_ byte: UInt8, in buffer: UnsafeBufferPointer<UInt8>, from: Int, to end: Int? = nil) -> Int? {
        let end = end ?? buffer.count
        guard from < end, let base = buffer.baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(byte), end - from) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private static func skipSpace(in buffer: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var index = from
        while index < buffer.count, [0x20, 0x09, 0x0A, 0x0D].contains(buffer[index]) { index += 1 }
        return index
    }

    private static func equals(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, _ text: StaticString) -> Bool {
        let utf8 = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return from + utf8.count <= buffer.count && buffer[from..<(from + utf8.count)].elementsEqual(utf8)
    }
}

extension CaptureSubmitted {
    /// Decodes a capture event from a record's value, keeping its inline images as slices of
    /// `bytes` instead of copies (``InlineImages``). Errors are those of ``ContractEvent/decode(_:)``.
    public static func decodeSharingImages(_ bytes: [UInt8]) throws(ContractError) -> CaptureSubmitted {
        let images = InlineImages(lifting: bytes)
        let decoder = JSONDecoder()
        decoder.userInfo[InlineImages.userInfoKey] = images
        do {
            return try decoder.decode(CaptureSubmitted.self, from: Data(images.skeleton))
        } catch {
            throw ContractError.from(error)
        }
    }
}
