import AsyncHTTPClient
import NIOCore
import Synchronization

/// A request body the HTTP client takes once and this side then forgets, so a megabyte-sized
/// Vlens body is freed as soon as the connection has written it, not when the answer arrives
/// (about a second later). A second read (a client retrying the request) gets no bytes and the
/// request fails on its length: the step runner's retry then builds a new body.
struct OneShotBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    fileprivate final class Slot: Sendable {
        let buffer: Mutex<ByteBuffer?>
        init(_ buffer: ByteBuffer) { self.buffer = Mutex(buffer) }
    }

    private let slot: Slot

    private init(_ buffer: ByteBuffer) { slot = Slot(buffer) }

    /// The body for `buffer`, with its length known up front (a `Content-Length`, no chunking).
    static func body(_ buffer: ByteBuffer) -> HTTPClientRequest.Body {
        .stream(OneShotBody(buffer), length: .known(Int64(buffer.readableBytes)))
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let slot: Slot
        mutating func next() async -> ByteBuffer? {
            slot.buffer.withLock { buffer in
                defer { buffer = nil }
                return buffer
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(slot: slot) }
}
