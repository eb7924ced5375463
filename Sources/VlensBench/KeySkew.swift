/// Uneven keys: a share of the transactions on a share of the partitions ("80 % of captures on
/// 20 % of partitions"). Each transaction keeps one partition, chosen from a hash of its id, so
/// its captures stay in order.
struct KeySkew: Sendable {
    /// Share of the transactions on the hot partitions.
    var hotTransactions = 0.8
    /// Share of the partitions that are hot (at least one).
    var hotPartitions = 0.2

    /// The partition of `transactionId` among `partitions`.
    func partition(of transactionId: String, partitions: Int) -> Int32 {
        let hash = Self.fnv1a(transactionId)
        let hot = max(1, Int((Double(partitions) * hotPartitions).rounded()))
        let isHot = Double(hash % 10_000) / 10_000 < hotTransactions || hot == partitions
        let pick = Int((hash / 10_000) % UInt64(isHot ? hot : partitions - hot))
        return Int32(isHot ? pick : hot + pick)
    }

    /// FNV-1a, 64 bits: stable across runs and processes (Swift's `Hasher` is seeded per process).
    private static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        return hash
    }
}
