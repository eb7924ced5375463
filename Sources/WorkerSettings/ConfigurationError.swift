/// The worker's configuration is unusable. Lists every bad key, each with what is wrong and
/// how to fix it; never echoes secret values.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// One bad key.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The environment variable (the file key is the same, lower-cased, with dots).
        public var key: String
        public var problem: String
        public var fix: String

        public init(key: String, problem: String, fix: String) {
            self.key = key
            self.problem = problem
            self.fix = fix
        }

        public var description: String { "\(key): \(problem). Fix: \(fix)" }
    }

    public var problems: [Problem]

    public init(problems: [Problem]) {
        self.problems = problems
    }

    public var description: String {
        "invalid configuration (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
