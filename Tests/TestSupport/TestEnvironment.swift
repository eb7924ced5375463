import Foundation

/// Addresses of the real services the integration tests run against.
///
/// `make test` (or `eval "$(scripts/services up)"`) starts a broker and a PostgreSQL
/// server and exports their addresses. A test that needs one and finds none fails with
/// an error that says how to start it; it never silently passes.
public enum TestEnvironment {
    /// An integration test ran without the service it needs.
    public struct MissingService: Error, CustomStringConvertible {
        public let variable: String
        public let service: String
        public var description: String {
            "\(variable) is not set, so no \(service) is available to this test. "
                + "Run `make test`, or start the services with `eval \"$(scripts/services up)\"` and run `swift test` again."
        }
    }

    /// `KAFKA_BOOTSTRAP_SERVERS` of the test broker.
    public static func kafkaBootstrapServers() throws -> String {
        try required("KAFKA_BOOTSTRAP_SERVERS", service: "Kafka broker")
    }

    /// `POSTGRES_URL` of the throwaway PostgreSQL server.
    public static func postgresURL() throws -> String {
        try required("POSTGRES_URL", service: "PostgreSQL server")
    }

    /// A name no other test (or earlier run) uses: for topics, groups, databases.
    public static func uniqueName(_ prefix: String) -> String {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return "\(prefix)-\(suffix)"
    }

    private static func required(_ variable: String, service: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw MissingService(variable: variable, service: service)
        }
        return value
    }
}
