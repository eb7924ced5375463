import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Synchronization
import Testing
import Verification
@testable import Worker
import Resilience
import Workflow

/// A claim-check host name is resolved once, and the fetch connects to the address that was checked:
/// a resolver that changes its answer (DNS rebinding) cannot move the connection.
@Suite("Claim-check connections are pinned to the checked address", .timeLimit(.minutes(1)))
struct ClaimCheckPinningTests {
    @Test("a name only the checked answer knows is fetched from that address; the resolver's later answers are never used")
    func pinnedToCheckedAddress() async throws {
        let image = Array("pinned image bytes".utf8)
        let router = Router()
        router.get("/front.jpg") { _, _ -> ByteBuffer in ByteBuffer(bytes: image) }
        try await LocalHTTPServer.withRunning(router) { serverPort in
            // `.invalid` never resolves in real DNS: only the checked answer can reach the server.
            let host = "images.pinning-test.invalid"
            let answers = Mutex(["127.0.0.1", "10.66.66.66"])
            let asked = Mutex(0)
            var resolver = ImageResolver(
                policy: ClaimCheckPolicy(allowedSchemes: ["http"], allowedHosts: [host], allowPrivateAddresses: true),
                httpClient: HTTPClient.shared
            )
            resolver.resolve = { _ in
                asked.withLock { $0 += 1 }
                return answers.withLock { [$0.count > 1 ? $0.removeFirst() : $0[0]] }  // then always the other address
            }
            let hex = SHA256.hash(data: image).map { String(format: "%02x", $0) }.joined()
            let reference = ImageReference.claimCheck(.init(url: "http://\(host):\(serverPort)/front.jpg", sha256: hex, sizeBytes: image.count))
            let base64 = try await resolver.resolve(reference, field: "images.idFront")
            #expect(Data(base64Encoded: Data(base64)).map(Array.init) == image)
            #expect(asked.withLock { $0 } == 1, "resolved once; the connection did not ask again")
        }
    }
}
