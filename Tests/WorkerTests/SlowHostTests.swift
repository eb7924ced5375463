import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import Synchronization
import Testing
import Verification
import VlensSimulator
@testable import Worker
import Resilience
import Workflow
import WorkerSettings

/// A host that sends an answer's head and then stops sending cannot hold a capture: AsyncHTTPClient's
/// deadline ends with the head, so the body is bounded separately (claim checks: the fetch's time-out
/// over the whole download; Vlens: the client's read time-out).
@Suite("Hosts that stop sending", .timeLimit(.minutes(2)))
struct SlowHostTests {
    @Test("a claim-check host that stops sending after the head fails the fetch within its time-out, transiently")
    func stalledImageHost() async throws {
        let release = Mutex(false)
        let router = Router()
        router.get("/front.jpg") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody(contentLength: 1000) { writer in
                try await writer.write(ByteBuffer(repeating: 0x41, count: 10))
                while !release.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
                try await writer.write(ByteBuffer(repeating: 0x41, count: 990))
                try await writer.finish(nil)
            })
        }
        try await LocalHTTPServer.withRunning(router) { bound in
            let client = try await HTTPClient.workerDefaults()
            let resolver = ImageResolver(
                policy: ClaimCheckPolicy(allowedSchemes: ["http"], allowedHosts: ["127.0.0.1"], allowPrivateAddresses: true),
                httpClient: client, fetchTimeout: .seconds(1))
            let reference = ImageReference.claimCheck(.init(
                url: "http://127.0.0.1:\(bound)/front.jpg", sha256: String(repeating: "ab", count: 32), sizeBytes: 1000))
            let started = ContinuousClock.now
            do throws(ImageResolver.Failure) {
                _ = try await resolver.resolve(reference, field: "images.idFront")
                Issue.record("the stalled download returned an image")
            } catch .transient(let message) {
                #expect(message.contains("longer than"))
            } catch {
                Issue.record("expected a transient failure, got \(error)")
            }
            let waited = ContinuousClock.now - started
            #expect(waited < .seconds(15), "the fetch waited \(waited) for a host that stopped sending")
            release.withLock { $0 = true }
            try await client.shutdown()
        }
    }

    @Test("a Vlens answer that stalls half-way fails by the read time-out, and the capture succeeds when called again")
    func stalledVlensAnswer() async throws {
        // Without a read time-out the stalled answer would complete after 20 s, and be the only call.
        let faults = SimulatorFaults(hangSeconds: 20, replyStalledRate: 1, steps: ["id_front"], budget: 1, rateLimit: .unlimited)
        try await InProcessHarness.run(faults: faults, environment: ["VLENS_REQUEST_TIMEOUT_MS": "3000"]) { harness in
            let capture = CaptureFactory().front()
            try await harness.submit(capture)
            #expect(try await harness.result(of: capture.eventId).outcome == .succeeded)
            let calls = harness.simulator.ledger().calls.filter { $0.requestId == capture.eventId }
            // (A call after it may itself pass its 3 s deadline on a machine saturated by the whole
            // test pass, and be made a third time: how many follow is the machine's, not the fault's.)
            #expect(calls.first?.replyLost == true, "the first call is the stalled one")
            #expect(calls.count >= 2, "the stalled call was ended and the capture called again")
        }
    }
}
