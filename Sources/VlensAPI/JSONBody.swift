import NIOCore

/// A JSON body kept as its pieces: short JSON text, and the base64 images it quotes as views of the
/// caller's bytes (a capture's images are slices of its record). Bytes are copied only when a chunk
/// of the body is read, so a request being written holds one chunk, not a second copy of its images.
package struct JSONBody: Sendable {
    package enum Segment: Sendable {
        case text(ByteBuffer)
        /// Base64 text that needs no escaping, written as it is.
        case image(ArraySlice<UInt8>)

        var count: Int {
            switch self {
            case .text(let buffer): buffer.readableBytes
            case .image(let bytes): bytes.count
            }
        }
    }

    /// The largest chunk a request body is read in: one for an ID side, two for a liveness request of
    /// 300 KB images. Each chunk costs the HTTP client a hand-over between its task and the event loop
    /// (the thread switches are most of a capture's CPU); a host that stops reading holds at most one
    /// chunk per connection here, besides what the kernel buffers.
    package static let chunkBytes = 1024 * 1024

    package private(set) var segments: [Segment]
    /// The body's length in bytes.
    package let count: Int

    init(segments: [Segment]) {
        self.segments = segments
        count = segments.reduce(0) { $0 + $1.count }
    }

    /// The whole body in one buffer (a copy of every piece).
    package func joined(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var reader = Reader(self)
        return reader.next(upTo: max(count, 1), allocator: allocator) ?? allocator.buffer(capacity: 0)
    }

    /// Reads the body front to back in chunks, copying each chunk's bytes when it is asked for.
    package struct Reader: Sendable {
        private var segments: [Segment]
        private var index = 0
        private var offset = 0
        /// The bytes returned so far.
        package private(set) var bytesRead = 0

        package init(_ body: JSONBody) { segments = body.segments }

        /// The next at most `limit` bytes; `nil` at the end.
        package mutating func next(upTo limit: Int, allocator: ByteBufferAllocator) -> ByteBuffer? {
            var chunk: ByteBuffer?
            while index < segments.count {
                let remaining = segments[index].count - offset
                let room = limit - (chunk?.readableBytes ?? 0)
                if room == 0 { break }
                let take = min(remaining, room)
                if chunk == nil { chunk = allocator.buffer(capacity: min(limit, remainingBytes)) }
                switch segments[index] {
                case .text(let text): chunk!.writeImmutableBuffer(text.getSlice(at: text.readerIndex + offset, length: take)!)
                case .image(let bytes):
                    let start = bytes.startIndex + offset
                    chunk!.writeBytes(bytes[start..<(start + take)])
                }
                offset += take
                if offset == segments[index].count {
                    // A piece read to its end is let go: an image's view no longer pins anything here.
                    segments[index] = .text(ByteBuffer())
                    index += 1
                    offset = 0
                }
            }
            bytesRead += chunk?.readableBytes ?? 0
            return chunk
        }

        private var remainingBytes: Int {
            segments[index...].reduce(0) { $0 + $1.count } - offset
        }
    }
}
