import Foundation

/// Where the verification store lives: `sqlite:PATH` (the embedded default) or
/// `postgres://user[:password]@host[:port]/database[?sslmode=require]`.
public struct StoreURL: Sendable, Equatable {
    enum Kind: Equatable, Sendable {
        case sqlite(path: String)
        case postgres(PostgresLocation)
    }

    struct PostgresLocation: Equatable, Sendable {
        var host: String
        var port: Int
        var username: String
        var password: String?
        var database: String
        var requireTLS: Bool
    }

    let kind: Kind

    /// Parses a store URL, or throws an error that says what is wrong and what a valid URL looks like.
    public init(_ string: String) throws {
        if string.hasPrefix("sqlite:") {
            var path = String(string.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw StoreError(code: .invalidURL, message: "a sqlite: URL needs a file path, e.g. sqlite:./data/vlens-worker.sqlite")
            }
            kind = .sqlite(path: path)
            return
        }
        guard let components = URLComponents(string: string),
              components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw StoreError(code: .invalidURL, message: "unsupported store URL scheme; use sqlite:PATH or postgres://user@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError(code: .invalidURL, message: "the postgres URL has no host; use postgres://user@host:port/database")
        }
        let database = components.path.count > 1 ? String(components.path.dropFirst()) : "postgres"
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "require", "verify-full"].contains(sslmode) else {
            throw StoreError(code: .invalidURL, message: "unsupported sslmode; use disable, require or verify-full")
        }
        kind = .postgres(PostgresLocation(
            host: host,
            port: components.port ?? 5432,
            username: components.user ?? "postgres",
            password: components.password,
            database: database,
            requireTLS: sslmode != "disable"
        ))
    }

    /// The URL with any password removed, safe to log.
    public var redacted: String {
        switch kind {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let p): return "postgres://\(p.username)@\(p.host):\(p.port)/\(p.database)"
        }
    }
}
