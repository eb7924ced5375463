extension ProcessingConfiguration {
    /// What the engine keeps in order.
    public struct OrderingMode: Hashable, Sendable, CustomStringConvertible {
        enum Mode: Hashable, Sendable {
            case key
            case partition
        }

        let mode: Mode

        /// Records with equal keys run one at a time in offset order; other records run concurrently.
        public static let key = OrderingMode(mode: .key)

        /// One record at a time per partition, like a plain consumer: the baseline for comparison.
        public static let partition = OrderingMode(mode: .partition)

        public var description: String {
            switch mode {
            case .key: "key"
            case .partition: "partition"
            }
        }
    }
}
