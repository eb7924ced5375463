import AsyncHTTPClient
import NIOCore
import Synchronization

/// A request body the HTTP client reads once, a chunk at a time: each chunk is copied from the
/// body's pieces when the connection asks for it (after the one before was taken), so a request
/// being written holds about a chunk, not a second copy of its images, and nothing once written
/// (the answer comes about a second later). A second read (a client retrying the request) gets no
/// bytes and the request fails on its length: the step runner's retry then builds a new body.
struct OneShotBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    fileprivate final class Slot: Sendable {
        let reader: Mutex<JSONBody.Reader>
        init(_ body: JSONBody) { reader = Mutex(JSONBody.Reader(body)) }
    }

    private let slot: Slot
    private let count: Int

    init(_ body: JSONBody) {
        slot = Slot(body)
        count = body.count
    }

    /// The request body for `body`, with its length known up front (a `Content-Length`, no chunked encoding).
    static func body(_ body: JSONBody) -> HTTPClientRequest.Body {
        OneShotBody(body).requestBody
    }

    var requestBody: HTTPClientRequest.Body { .stream(self, length: .known(Int64(count))) }

    /// The bytes the connection has taken so far.
    var bytesTaken: Int { slot.reader.withLock { $0.bytesRead } }

    struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let slot: Slot
        private let allocator = ByteBufferAllocator()

        fileprivate init(slot: Slot) { self.slot = slot }

        mutating func next() async -> ByteBuffer? {
            let allocator = self.allocator
            return slot.reader.withLock { $0.next(upTo: JSONBody.chunkBytes, allocator: allocator) }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(slot: slot) }
}
