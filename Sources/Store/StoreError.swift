/// A failure of the verification store.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    /// A bounded code, fit for a metric label.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case invalidURL = "invalid_url", unavailable, migration, query, corrupt, encryption }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The store URL cannot be used.
        public static let invalidURL = Code(.invalidURL)
        /// The database cannot be reached or opened.
        public static let unavailable = Code(.unavailable)
        /// A schema migration failed.
        public static let migration = Code(.migration)
        /// A statement failed.
        public static let query = Code(.query)
        /// Stored data is not what the schema promises.
        public static let corrupt = Code(.corrupt)
        /// A key is unusable, or a sealed result does not open.
        public static let encryption = Code(.encryption)

        public var description: String { value.rawValue }
    }

    public var code: Code
    /// What went wrong, for people; never contains stored payloads.
    public var message: String
    /// Whether trying again later may succeed.
    public var isRetryable: Bool

    public init(code: Code, message: String, isRetryable: Bool = false) {
        self.code = code
        self.message = message
        self.isRetryable = isRetryable
    }

    /// A stored row that does not open (corrupt, or sealed with a key that is not configured):
    /// trying again finds it the same until an operator acts.
    public var isUnreadableRow: Bool { !isRetryable && (code == .corrupt || code == .encryption) }

    public var description: String { "store \(code): \(message)" }
}
