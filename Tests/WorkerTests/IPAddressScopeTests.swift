import Testing
@testable import Worker
import Resilience

@Suite("Claim-check addresses: special-purpose ranges")
struct IPAddressScopeTests {
    @Test("addresses outside the public internet are refused, in every spelling", arguments: [
        "0.0.0.0", "10.1.2.3", "100.64.0.1", "100.127.255.254", "127.0.0.1", "127.255.0.9", "169.254.169.254",
        "172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.88.99.1", "192.168.1.1", "198.18.0.1",
        "198.19.255.255", "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "::", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "::ffff:172.16.5.4",
        "::ffff:100.64.1.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::1", "100::1", "2001::1", "2001:db8::1", "2002:7f00:1::", "2002:c0a8:101::1", "fc00::1",
        "fd12:3456::1", "fe80::1", "fe80::1%eth0", "febf::1", "fec0::1", "feff::1", "ff02::1",
    ])
    func nonPublic(address: String) {
        #expect(IPAddressScope.isLiteral(address))
        #expect(IPAddressScope.isNonPublic(address) == true)
        #expect(ClaimCheckPolicy.isPrivateAddress(address))
    }

    @Test("public addresses pass", arguments: [
        "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1", "192.0.1.1",
        "192.169.0.1", "198.17.255.255", "198.20.0.1", "223.255.255.255", "2606:4700::1111", "::ffff:8.8.8.8",
        "64:ff9b::808:808", "2002:808:808::1", "2a00:1450::1",
    ])
    func publicAddress(address: String) {
        #expect(IPAddressScope.isNonPublic(address) == false)
        #expect(!ClaimCheckPolicy.isPrivateAddress(address))
    }

    @Test("spellings that only resolvers accept are names, checked by what they resolve to", arguments: [
        "127.1", "0x7f.0.0.1", "2130706433", "017700000001", "images.example.com",
    ])
    func notLiterals(host: String) {
        #expect(!IPAddressScope.isLiteral(host))
        #expect(IPAddressScope.isNonPublic(host) == nil)
    }
}
