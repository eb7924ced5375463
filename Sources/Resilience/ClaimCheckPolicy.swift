import Foundation

/// Which claim-check URLs the worker may fetch images from.
///
/// Only the listed schemes and hosts are allowed; loopback, link-local, private-use and
/// unspecified addresses are refused unless explicitly allowed, so an event cannot make the
/// worker reach its own admin ports or a cloud metadata service.
public struct ClaimCheckPolicy: Sendable, Equatable {
    /// Allowed URL schemes. Default `https`.
    public var allowedSchemes: Set<String>
    /// Allowed host names, exact (`images.example.com`) or a suffix with a leading dot
    /// (`.example.com`). Empty: claim-check images are refused altogether.
    public var allowedHosts: [String]
    /// Allow loopback and private addresses (for local development and tests). Default false.
    public var allowPrivateAddresses: Bool
    /// The largest image fetched, in bytes. Default 10 MiB.
    public var maxImageBytes: Int

    public init(allowedSchemes: Set<String> = ["https"], allowedHosts: [String] = [], allowPrivateAddresses: Bool = false, maxImageBytes: Int = 10 << 20) {
        self.allowedSchemes = allowedSchemes
        self.allowedHosts = allowedHosts
        self.allowPrivateAddresses = allowPrivateAddresses
        self.maxImageBytes = maxImageBytes
    }

    /// Why a URL is refused; `nil` when it may be fetched. The reason never echoes the URL.
    public func refusal(for url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), allowedSchemes.contains(scheme) else {
            return "claim-check URL scheme is not allowed"
        }
        guard let host = url.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty else {
            return "claim-check URL has no host"
        }
        guard url.user == nil, url.password == nil else {
            return "claim-check URL must not carry credentials"
        }
        guard isAllowedHost(host) else {
            return "claim-check host is not on the allow-list"
        }
        if !allowPrivateAddresses, Self.isPrivateAddress(host) {
            return "claim-check URL points at a loopback, link-local or private address"
        }
        return nil
    }

    private func isAllowedHost(_ host: String) -> Bool {
        allowedHosts.contains { entry in
            let entry = entry.lowercased()
            return entry.hasPrefix(".") ? host.hasSuffix(entry) : host == entry
        }
    }

    /// Whether `host` is an IPv4 or IPv6 literal rather than a name (see ``IPAddressScope/isLiteral(_:)``).
    package static func isAddressLiteral(_ host: String) -> Bool {
        IPAddressScope.isLiteral(host)
    }

    /// Whether a host name or literal address is outside the public internet: `localhost` names, and
    /// literals in any special-purpose range (loopback, private, link-local, shared, documentation,
    /// benchmarking, multicast, reserved; mapped, NAT64 and 6to4 forms by their IPv4 address).
    /// Other names are judged by what they resolve to.
    package static func isPrivateAddress(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        return IPAddressScope.isNonPublic(host) ?? false
    }
}
