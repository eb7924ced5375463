import AsyncHTTPClient
import Foundation
import Testing
import Verification
@testable import Worker
import Resilience
import Workflow

/// An allowed claim-check host name that resolves to a private address is refused before any fetch.
@Suite("Claim-check host resolution", .timeLimit(.minutes(1)))
struct ClaimCheckResolutionTests {
    func resolve(host: String, policy: ClaimCheckPolicy) async -> ImageResolver.Failure? {
        let resolver = ImageResolver(policy: policy, httpClient: HTTPClient.shared)
        let reference = ImageReference.claimCheck(.init(url: "http://\(host):9/front.jpg", sha256: String(repeating: "ab", count: 32), sizeBytes: 6))
        do {
            _ = try await resolver.resolve(reference, field: "images.idFront")
            return nil
        } catch {
            return error
        }
    }

    @Test("this machine's host name, allowed by name, resolves to a private address and is refused")
    func privateResolution() async {
        let host = ProcessInfo.processInfo.hostName.lowercased()
        let addresses = await HostAddresses.resolve(host)
        // Debian-style machines map their host name to 127.0.x.1 in /etc/hosts; elsewhere this
        // case does not apply.
        guard !addresses.isEmpty, addresses.allSatisfy(ClaimCheckPolicy.isPrivateAddress) else {
            print("skipped: the host name resolves to \(addresses.count) non-private address(es)")
            return
        }
        let failure = await resolve(host: host, policy: ClaimCheckPolicy(allowedSchemes: ["http"], allowedHosts: [host]))
        guard case .unusable(let error, let reason) = failure else {
            Issue.record("expected a refusal, got \(String(describing: failure))")
            return
        }
        #expect(reason == "disallowed_image_host")
        #expect(error.message.contains("resolves to"))
        #expect(!error.message.contains(host), "the reason never echoes the host")
    }

    @Test("a name that does not resolve is a transient failure, not poison")
    func unresolvable() async {
        let failure = await resolve(host: "no-such-host.invalid", policy: ClaimCheckPolicy(allowedSchemes: ["http"], allowedHosts: ["no-such-host.invalid"]))
        guard case .transient = failure else {
            Issue.record("expected a transient failure, got \(String(describing: failure))")
            return
        }
    }
}
