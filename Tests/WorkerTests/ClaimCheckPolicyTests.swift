import Foundation
import Testing
import Worker
import Resilience

@Suite("Claim-check policy")
struct ClaimCheckPolicyTests {
    private let policy = ClaimCheckPolicy(allowedSchemes: ["https"], allowedHosts: ["images.example.com", ".cdn.example.net"])

    @Test("allow-listed hosts over allowed schemes pass", arguments: [
        "https://images.example.com/a.jpg", "https://eu.cdn.example.net/x/y.png",
    ])
    func allowed(url: String) throws {
        let parsed = try #require(URL(string: url))
        #expect(policy.refusal(for: parsed) == nil)
    }

    @Test("other schemes, other hosts, credentials and private addresses are refused", arguments: [
        "http://images.example.com/a.jpg", "file:///etc/passwd", "https://evil.example.org/a.jpg",
        "https://user:pw@images.example.com/a.jpg", "https://127.0.0.1/a", "https://169.254.169.254/latest/meta-data",
        "https://[::1]:8080/admin", "https://localhost:9090/metrics", "https://example.net/a.jpg",
    ])
    func refused(url: String) throws {
        let parsed = try #require(URL(string: url))
        let reason = try #require(policy.refusal(for: parsed))
        #expect(!reason.contains(url))
    }

    @Test("private addresses are refused even when listed, unless explicitly allowed")
    func privateAddresses() throws {
        let url = try #require(URL(string: "https://127.0.0.1:8443/img"))
        var listed = ClaimCheckPolicy(allowedHosts: ["127.0.0.1"])
        #expect(listed.refusal(for: url) != nil)
        listed.allowPrivateAddresses = true
        #expect(listed.refusal(for: url) == nil)
    }
}
