import Crypto
import Foundation
import Hummingbird
import Synchronization
import Verification

/// A claim-check image host on a real socket that answers 503 until it is told to recover,
/// counting the fetches it gets.
final class FlakyImageHost: Sendable {
    private let healthy = Mutex(false)
    private let fetches = Mutex(0)
    private let image: [UInt8]

    /// Serves `base64Image` (decoded) at `/image.jpg` once healthy.
    init(base64Image: String) {
        image = Array(Data(base64Encoded: base64Image) ?? Data())
    }

    /// The fetches so far.
    var fetchCount: Int { fetches.withLock { $0 } }

    /// From now on, answer with the image.
    func recover() { healthy.withLock { $0 = true } }

    /// From now on, answer 503 again (as before ``recover()``).
    func fail() { healthy.withLock { $0 = false } }

    /// A claim-check reference to the image on a host listening on `port`.
    func reference(port: Int) -> ImageReference {
        let digest = SHA256.hash(data: image).map { String(format: "%02x", $0) }.joined()
        return .claimCheck(.init(url: "http://127.0.0.1:\(port)/image.jpg", sha256: digest, sizeBytes: image.count))
    }

    /// Runs the host, calls `body` with its port, and stops it.
    func withRunning<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.get("/image.jpg") { [self] _, _ -> Response in
            fetches.withLock { $0 += 1 }
            guard healthy.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: image)))
        }
        let port = Mutex<Int?>(nil)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await application.runService(); return nil }
            defer { group.cancelAll() }
            let deadline = ContinuousClock.now + .seconds(60)
            while port.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            return try await body(port.withLock { $0 } ?? 0)
        }
    }
}
