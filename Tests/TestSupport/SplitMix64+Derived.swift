import SeededRandom

extension SplitMix64 {
    /// A generator derived from several values, for per-record decisions independent of scheduling.
    public static func derived(_ values: UInt64...) -> SplitMix64 {
        var generator = SplitMix64(seed: 0x5EED)
        for value in values {
            generator = SplitMix64(seed: generator.next() ^ value)
        }
        return generator
    }
}
