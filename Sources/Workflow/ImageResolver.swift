import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Verification
import Resilience

/// Turns a capture's image references into the base64 strings Vlens takes.
///
/// Inline images pass through untouched (they are base64 already and were validated when the
/// event was decoded). Claim-check images are fetched only from allowed URLs, within the size
/// limit, and must match their sha256.
package struct ImageResolver: Sendable {
    /// Why an image could not be resolved.
    package enum Failure: Error, Sendable {
        /// The reference can never work (refused URL, wrong hash, too large, 4xx): the capture is poison.
        /// `reason` is the dead-letter reason code.
        case unusable(ContractError, reason: String)
        /// Fetching failed in a way that may pass later (5xx, connection, time-out).
        case transient(String)
    }

    package let policy: ClaimCheckPolicy
    package let httpClient: HTTPClient
    package var fetchTimeout: Duration = .seconds(30)
    /// How host names are resolved (tests give one that changes its answer).
    package var resolve: @Sendable (String) async -> [String] = HostAddresses.resolve

    package init(policy: ClaimCheckPolicy, httpClient: HTTPClient, fetchTimeout: Duration = .seconds(30), resolve: @escaping @Sendable (String) async -> [String] = HostAddresses.resolve) {
        self.policy = policy
        self.httpClient = httpClient
        self.fetchTimeout = fetchTimeout
        self.resolve = resolve
    }

    package func resolve(_ reference: ImageReference, field: String) async throws(Failure) -> ArraySlice<UInt8> {
        if let base64 = reference.inlineBase64Bytes { return base64 }
        guard let claim = reference.claimCheck else {
            throw .unusable(ContractError(code: .invalidValue, field: field, message: "\(field): is neither inline nor a claim check"), reason: "schema_invalid")
        }
        return try await fetch(claim, field: field)
    }

    private func fetch(_ claim: ImageReference.ClaimCheck, field: String) async throws(Failure) -> ArraySlice<UInt8> {
        @Sendable func unusable(_ message: String, reason: String = "image_unavailable") -> Failure {
            .unusable(ContractError(code: .invalidValue, field: "\(field).url", message: "\(field).url: \(message)"), reason: reason)
        }
        guard let url = URL(string: claim.url) else { throw unusable("is not a URL", reason: "schema_invalid") }
        if let refusal = policy.refusal(for: url) { throw unusable(refusal, reason: "disallowed_image_host") }
        // A name is resolved once: its addresses must not be private either, and the connection goes
        // to the address that was checked, so a name that changes its answer (DNS rebinding) cannot
        // send the fetch elsewhere. Literal addresses were checked above.
        var pinned: (host: String, address: String)?
        if let host = url.host, !ClaimCheckPolicy.isAddressLiteral(host) {
            let addresses = await resolve(host)
            guard let first = addresses.first else { throw .transient("claim-check host did not resolve") }
            if !policy.allowPrivateAddresses, addresses.contains(where: ClaimCheckPolicy.isPrivateAddress) {
                throw unusable("claim-check host resolves to a loopback, link-local or private address", reason: "disallowed_image_host")
            }
            pinned = (host, first)
        }
        guard claim.sizeBytes <= policy.maxImageBytes else {
            throw unusable("sizeBytes exceeds the \(policy.maxImageBytes)-byte image limit (MAX_IMAGE_BYTES)")
        }

        // A pinned fetch gets a client of its own whose only DNS answer is the checked address (TLS
        // still verifies the certificate against the host name); literal addresses use the shared one.
        let client = pinned.map { Self.pinnedClient(host: $0.host, address: $0.address) } ?? httpClient
        let downloaded = await downloadWithinTimeout(claim, using: client, unusable: unusable)
        if pinned != nil { try? await client.shutdown() }
        let body = try downloaded.get()
        guard body.readableBytes == claim.sizeBytes else { throw unusable("the image's size differs from sizeBytes") }
        let digest = SHA256.hash(data: body.readableBytesView)
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        guard hex == claim.sha256 else { throw unusable("the image's sha256 differs from the reference") }
        return ArraySlice(Data(body.readableBytesView).base64EncodedData())
    }

    /// ``download(_:using:unusable:)`` within `fetchTimeout`, from the request to the last byte.
    /// AsyncHTTPClient's own deadline ends when the response's head arrives: a host that then sends
    /// slowly, or stops, would otherwise hold the capture (and its partition's commit point) for good.
    private func downloadWithinTimeout(
        _ claim: ImageReference.ClaimCheck, using client: HTTPClient, unusable: @escaping @Sendable (String, String) -> Failure
    ) async -> Result<ByteBuffer, Failure> {
        let timeout = fetchTimeout
        return await withTaskGroup(of: Result<ByteBuffer, Failure>?.self) { group in
            group.addTask { await download(claim, using: client, unusable: unusable) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(.transient("claim-check fetch took longer than \(timeout)"))
        }
    }

    /// GETs the image, within its size and the image limit.
    private func download(
        _ claim: ImageReference.ClaimCheck, using client: HTTPClient, unusable: @Sendable (String, String) -> Failure
    ) async -> Result<ByteBuffer, Failure> {
        var request = HTTPClientRequest(url: claim.url)
        request.method = .GET
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .nanoseconds(Int64(fetchTimeout.components.seconds) * 1_000_000_000 + fetchTimeout.components.attoseconds / 1_000_000_000))
        } catch {
            return .failure(.transient("claim-check fetch failed: \(type(of: error))"))
        }
        switch response.status.code {
        case 200..<300: break
        case 500..<600, 429, 408: return .failure(.transient("claim-check fetch answered HTTP \(response.status.code)"))
        default: return .failure(unusable("fetch answered HTTP \(response.status.code)", "image_unavailable"))
        }
        var body = ByteBuffer()
        do {
            for try await var chunk in response.body {
                guard body.readableBytes + chunk.readableBytes <= min(policy.maxImageBytes, claim.sizeBytes) else {
                    return .failure(unusable("the image is larger than its sizeBytes or the image limit", "image_unavailable"))
                }
                body.writeBuffer(&chunk)
            }
        } catch {
            return .failure(.transient("claim-check body failed: \(type(of: error))"))
        }
        return .success(body)
    }

    /// A client that connects to `address` for `host` and follows no redirect.
    package static func pinnedClient(host: String, address: String) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.dnsOverride = [host: address]
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
