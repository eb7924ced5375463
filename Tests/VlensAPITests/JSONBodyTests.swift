import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import VlensAPI

@Suite("JSON body read in chunks")
struct JSONBodyChunkTests {
    @Test("chunks of any size join into the same JSON, none longer than asked", arguments: [1, 7, 100, 4096, JSONBody.chunkBytes])
    func chunksJoin(limit: Int) throws {
        let image = Array(String(repeating: "QUJD+/09", count: 5_000).utf8)
        var writer = JSONBodyWriter(capacity: 16)
        writer.field("image", base64: image[8..<image.count])
        writer.field("face_1", base64: image[0..<16])
        writer.field("note", "a\"b")
        writer.field("getExtractedData", true)
        let body = writer.finishBody()
        var reader = JSONBody.Reader(body)
        var joined: [UInt8] = []
        while let chunk = reader.next(upTo: limit, allocator: ByteBufferAllocator()) {
            #expect(chunk.readableBytes >= 1 && chunk.readableBytes <= limit)
            joined += chunk.readableBytesView
        }
        #expect(reader.next(upTo: limit, allocator: ByteBufferAllocator()) == nil)
        #expect(joined.count == body.count)
        #expect(joined == Array(body.joined().readableBytesView))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(joined)) as? [String: Any])
        #expect(object["image"] as? String == String(decoding: image[8...], as: UTF8.self))
        #expect(object["face_1"] as? String == "QUJD+/09QUJD+/09")
        #expect(object["note"] as? String == "a\"b" && object["getExtractedData"] as? Bool == true)
    }

    @Test("an image that needs escaping is copied escaped, not passed through")
    func escapedImage() throws {
        var writer = JSONBodyWriter(capacity: 16)
        writer.field("image", base64: ArraySlice("QU\"JD".utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(writer.finish().readableBytesView)) as? [String: Any])
        #expect(object["image"] as? String == "QU\"JD")
    }
}

@Suite("Request body against a host that does not read")
struct OneShotBodyBackpressureTests {
    @Test("a request to a host that stops reading holds about a chunk of its body, not a copy of it all")
    func stalledHost() async throws {
        // A listener that never accepts: the kernel completes the handshake and buffers what it can.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))

        let image = [UInt8](repeating: UInt8(ascii: "Q"), count: 32 << 20)
        var writer = JSONBodyWriter(capacity: 16)
        writer.field("image", base64: image[...])
        let body = OneShotBody(writer.finishBody())
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/verify/id/front")
        request.method = .POST
        request.body = body.requestBody
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let call = Task { try await client.execute(request, timeout: .seconds(60)) }
        var taken = 0
        for _ in 0..<50 {
            // Until the socket's buffers are full, the count grows; then it must stop.
            try await Task.sleep(for: .milliseconds(100))
            taken = body.bytesTaken
        }
        call.cancel()
        _ = try? await call.value
        try await client.shutdown()
        print("stalled host: \(taken) bytes taken of a \(32 << 20)-byte image")
        #expect(taken > 0, "the client started writing")
        // The kernel holds up to a few megabytes (tcp_wmem's maximum is 4 MiB here); the rest waits
        // unread in the image's own bytes. The whole body (32 MiB) taken at once would fail this.
        #expect(taken < 16 << 20, "\(taken) bytes taken from a body no one reads")
    }
}
