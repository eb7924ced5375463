extension SplitMix64 {
    /// A generator seeded with the FNV-1a hash of `text`'s UTF-8 bytes.
    public init(seed text: String) {
        self.init(seed: Self.fnv1a(text.utf8))
    }

    /// The 64-bit FNV-1a hash of `bytes`: stable across runs and platforms.
    public static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
