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
        let targetPort = Mutex<Int?>(nil)
        let redirectPort = Mutex<Int?>(nil)

        let target = Router()
        target.get("/metadata") { _, _ -> String in
            targetHits.withLock { $0 += 1 }
            return "secret"
        }
        let targetApp = Application(router: target, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                    onServerRunning: { channel in targetPort.withLock { $0 = channel.localAddress?.port } })
        let redirect = Router()
        redirect.get("/front.jpg") { _, _ -> Response in
            Response(status: .found, headers: [.location: "http://127.0.0.1:\(targetPort.withLock { $0 } ?? 0)/metadata"])
        }
        let redirectApp = Application(router: redirect, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { channel in redirectPort.withLock { $0 = channel.localAddress?.port } })

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await targetApp.runService() }
            group.addTask { try await redirectApp.runService() }
            defer { group.cancelAll() }
            let deadline = ContinuousClock.now + .seconds(30)
            while targetPort.withLock({ $0 }) == nil || redirectPort.withLock({ $0 }) == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let port = try #require(redirectPort.withLock { $0 }, "the redirecting server did not start within 30 s")

            let configuration = try await WorkerConfiguration.load(environment: [
                "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092", "VLENS_BASE_URL": "https://vlens.example.com", "VLENS_API_KEY": "k",
            ])
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: WorkerApplication.httpClientConfiguration(vlens: configuration.vlens))
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
