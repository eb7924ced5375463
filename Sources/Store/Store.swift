/// Durable idempotency and transaction-state stores: SQLite and PostgreSQL.
public enum StoreModule {}
