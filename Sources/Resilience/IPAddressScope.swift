import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Classifies IP address literals by the IANA special-purpose registries: whether fetching from one
/// could reach something other than the public internet (this host, the pod network, a metadata
/// service, a translator in front of such an address, multicast).
///
/// Addresses that embed an IPv4 address (IPv4-mapped `::ffff:0:0/96`, IPv4-compatible `::/96`,
/// NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address they carry.
package enum IPAddressScope {
    /// Whether `text` is a strict IPv4 dotted quad or an IPv6 literal (`inet_pton`'s forms). Other
    /// spellings that resolvers accept (`127.1`, `0x7f.1`, `2130706433`) are not literals here: they
    /// are names, and are checked by what they resolve to.
    package static func isLiteral(_ text: String) -> Bool {
        ipv4(text) != nil || ipv6(text) != nil
    }

    /// Whether `text` is a literal in a non-public range; `nil` when it is not a literal.
    package static func isNonPublic(_ text: String) -> Bool? {
        if let v4 = ipv4(text) { return isNonPublic(v4: v4) }
        if let v6 = ipv6(text) { return isNonPublic(v6: v6) }
        return nil
    }

    // MARK: Ranges

    /// IPv4 ranges that are not the public internet: (network, prefix length).
    private static let nonPublicV4: [(UInt32, Int)] = [
        (0x0000_0000, 8),  // "this network"
        (0x0A00_0000, 8),  // private use
        (0x6440_0000, 10),  // shared address space (carrier-grade NAT)
        (0x7F00_0000, 8),  // loopback
        (0xA9FE_0000, 16),  // link-local (cloud metadata services)
        (0xAC10_0000, 12),  // private use
        (0xC000_0000, 24),  // IETF protocol assignments
        (0xC000_0200, 24),  // documentation (TEST-NET-1)
        (0xC058_6300, 24),  // 6to4 relay anycast
        (0xC0A8_0000, 16),  // private use
        (0xC612_0000, 15),  // benchmarking
        (0xC633_6400, 24),  // documentation (TEST-NET-2)
        (0xCB00_7100, 24),  // documentation (TEST-NET-3)
        (0xE000_0000, 4),  // multicast
        (0xF000_0000, 4),  // reserved, limited broadcast
    ]

    private static func isNonPublic(v4 address: UInt32) -> Bool {
        nonPublicV4.contains { network, length in address >> (32 - length) == network >> (32 - length) }
    }

    private static func isNonPublic(v6 bytes: [UInt8]) -> Bool {
        func prefix(_ value: [UInt8], bits: Int) -> Bool {
            for bit in 0..<bits where (bytes[bit / 8] >> (7 - bit % 8)) & 1 != (value[bit / 8] >> (7 - bit % 8)) & 1 { return false }
            return true
        }
        func v4(at offset: Int) -> UInt32 {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let zero = [UInt8](repeating: 0, count: 16)
        if prefix(zero, bits: 96) {
            // :: and ::1, then IPv4-compatible addresses (deprecated; judged by the IPv4 part)
            return bytes[12..<16].allSatisfy { $0 == 0 } || bytes == zero.dropLast() + [1] || isNonPublic(v4: v4(at: 12))
        }
        if prefix(zero.prefix(10) + [0xFF, 0xFF], bits: 96) { return isNonPublic(v4: v4(at: 12)) }  // IPv4-mapped
        if prefix([0x00, 0x64, 0xFF, 0x9B] + zero.prefix(8), bits: 96) { return isNonPublic(v4: v4(at: 12)) }  // NAT64 well-known
        if prefix([0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01], bits: 48) { return true }  // NAT64 local use
        if prefix([0x01, 0x00] + zero.prefix(6), bits: 64) { return true }  // discard only
        if prefix([0x20, 0x01, 0x00, 0x00], bits: 32) { return true }  // Teredo
        if prefix([0x20, 0x01, 0x0D, 0xB8], bits: 32) { return true }  // documentation
        if prefix([0x20, 0x02], bits: 16) { return isNonPublic(v4: v4(at: 2)) }  // 6to4
        if prefix([0xFC], bits: 7) { return true }  // unique local
        if prefix([0xFE, 0x80], bits: 10) { return true }  // link-local
        if prefix([0xFE, 0xC0], bits: 10) { return true }  // site-local (deprecated)
        if prefix([0xFF], bits: 8) { return true }  // multicast
        return false
    }

    // MARK: Parsing

    private static func ipv4(_ text: String) -> UInt32? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return UInt32(bigEndian: address.s_addr)
    }

    /// An IPv6 literal's 16 bytes; a zone (`fe80::1%eth0`, as resolvers print link-local answers) is ignored.
    private static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        let unzoned = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        guard inet_pton(AF_INET6, unzoned, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}
