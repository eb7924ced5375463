import AsyncHTTPClient
import Foundation
import Hummingbird
import Synchronization
import Testing
import Verification
@testable import Worker
import Resilience
import Workflow
import WorkerSettings

/// A claim-check host that redirects cannot lead the worker elsewhere: the allow-list and the
/// private-address rule apply to the URL in the event, so the shared HTTP client follows no redirect.
@Suite("Claim-check redirects", .timeLimit(.minutes(1)))
struct ClaimCheckRedirectTests {
    @Test("a redirect from an allowed host is refused as unusable and its target is never contacted")
    func redirectIsNotFollowed() async throws {
        let targetHits = Mutex(0)
        let target = Router()
        target.get("/metadata") { _, _ -> String in
            targetHits.withLock { $0 += 1 }
            return "secret"
        }
        try await LocalHTTPServer.withRunning(target) { targetPort in
            let redirect = Router()
            redirect.get("/front.jpg") { _, _ -> Response in
                Response(status: .found, headers: [.location: "http://127.0.0.1:\(targetPort)/metadata"])
            }
            try await LocalHTTPServer.withRunning(redirect) { port in
                let client = try await HTTPClient.workerDefaults()
                let resolver = ImageResolver(
                    policy: ClaimCheckPolicy(allowedSchemes: ["http"], allowedHosts: ["127.0.0.1"], allowPrivateAddresses: true),
                    httpClient: client)
                let reference = ImageReference.claimCheck(.init(
                    url: "http://127.0.0.1:\(port)/front.jpg", sha256: String(repeating: "ab", count: 32), sizeBytes: 6))
                do throws(ImageResolver.Failure) {
                    _ = try await resolver.resolve(reference, field: "images.idFront")
                    Issue.record("the redirect was followed")
                } catch .unusable(let error, reason: _) {
                    #expect(error.message.contains("302"))
                } catch {
                    Issue.record("unexpected failure \(error)")
                }
                #expect(targetHits.withLock { $0 } == 0)
                try await client.shutdown()
            }
        }
    }
}
