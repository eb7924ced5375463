/// Metadata keys the stores use in their log lines.
enum StoreLoggingKeys {
    static let schemaVersion = "store.schema_version"
    /// What failed, as the store describes it (SQL errors; never bound values).
    static let error = "store.error"
}
