import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Verification

/// Turns a capture's image references into the base64 strings Vlens takes.
///
/// Inline images pass through untouched (they are base64 already and were validated when the
/// event was decoded). Claim-check images are fetched only from allowed URLs, within the size
/// limit, and must match their sha256.
struct ImageResolver: Sendable {
    /// Why an image could not be resolved.
    enum Failure: Error, Sendable {
        /// The reference can never work (refused URL, wrong hash, too large, 4xx): the capture is poison.
        /// `reason` is the dead-letter reason code.
        case unusable(ContractError, reason: String)
        /// Fetching failed in a way that may pass later (5xx, connection, time-out).
        case transient(String)
    }

    let policy: ClaimCheckPolicy
    let httpClient: HTTPClient
    var fetchTimeout: Duration = .seconds(30)

    func resolve(_ reference: ImageReference, field: String) async throws(Failure) -> String {
        if let base64 = reference.inlineBase64 { return base64 }
        guard let claim = reference.claimCheck else {
            throw .unusable(ContractError(code: .invalidValue, field: field, message: "\(field): is neither inline nor a claim check"), reason: "schema_invalid")
        }
        return try await fetch(claim, field: field)
    }

    private func fetch(_ claim: ImageReference.ClaimCheck, field: String) async throws(Failure) -> String {
        func unusable(_ message: String, reason: String = "image_unavailable") -> Failure {
            .unusable(ContractError(code: .invalidValue, field: "\(field).url", message: "\(field).url: \(message)"), reason: reason)
        }
        guard let url = URL(string: claim.url) else { throw unusable("is not a URL", reason: "schema_invalid") }
        if let refusal = policy.refusal(for: url) { throw unusable(refusal, reason: "disallowed_image_host") }
        // A name on the allow-list must not resolve to a private address either (DNS rebinding).
        // The HTTP client resolves again when it connects, so a name that changes its answer in
        // between is not caught; literal addresses were checked above.
        if !policy.allowPrivateAddresses, let host = url.host, !ClaimCheckPolicy.isAddressLiteral(host) {
            let addresses = await HostAddresses.resolve(host)
            guard !addresses.isEmpty else { throw .transient("claim-check host did not resolve") }
            if addresses.contains(where: ClaimCheckPolicy.isPrivateAddress) {
                throw unusable("claim-check host resolves to a loopback, link-local or private address", reason: "disallowed_image_host")
            }
        }
        guard claim.sizeBytes <= policy.maxImageBytes else {
            throw unusable("sizeBytes exceeds the \(policy.maxImageBytes)-byte image limit (MAX_IMAGE_BYTES)")
        }

        var request = HTTPClientRequest(url: claim.url)
        request.method = .GET
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(fetchTimeout.components.seconds) * 1_000_000_000 + fetchTimeout.components.attoseconds / 1_000_000_000))
        } catch {
            throw .transient("claim-check fetch failed: \(type(of: error))")
        }
        switch response.status.code {
        case 200..<300: break
        case 500..<600, 429, 408: throw .transient("claim-check fetch answered HTTP \(response.status.code)")
        default: throw unusable("fetch answered HTTP \(response.status.code)")
        }
        var body = ByteBuffer()
        do {
            for try await var chunk in response.body {
                guard body.readableBytes + chunk.readableBytes <= min(policy.maxImageBytes, claim.sizeBytes) else {
                    throw unusable("the image is larger than its sizeBytes or the image limit")
                }
                body.writeBuffer(&chunk)
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .transient("claim-check body failed: \(type(of: error))")
        }
        guard body.readableBytes == claim.sizeBytes else { throw unusable("the image's size differs from sizeBytes") }
        let digest = SHA256.hash(data: body.readableBytesView)
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        guard hex == claim.sha256 else { throw unusable("the image's sha256 differs from the reference") }
        return Data(body.readableBytesView).base64EncodedString()
    }
}
