import Logging

extension StoreURL {
    /// Opens the store this URL names: SQLite for `sqlite:`, PostgreSQL for `postgres://`.
    /// The caller runs ``VerificationStore/run()`` and then ``VerificationStore/migrate()``.
    public func makeStore(logger: Logger) async throws -> any VerificationStore {
        switch kind {
        case .sqlite(let path):
            return try await SQLiteVerificationStore.open(path: path, logger: logger)
        case .postgres:
            return try PostgresVerificationStore(url: self, logger: logger)
        }
    }
}
