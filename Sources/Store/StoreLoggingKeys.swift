/// Metadata keys the stores use in their log lines.
enum StoreLoggingKeys {
    static let schemaVersion = "store.schema_version"
}
