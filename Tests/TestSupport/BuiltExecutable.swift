import Foundation

/// Executables of this package, built next to the running test bundle (`.build/<triple>/debug`)
/// by `swift build --build-tests`.
public enum BuiltExecutable {
    /// A built executable was not found.
    public struct NotFound: Error, CustomStringConvertible {
        public let name: String
        public let searched: [String]
        public var description: String {
            "the executable \(name) was not found next to the test bundle (\(searched.joined(separator: ", "))); build it with `swift build --build-tests` (or run `make test`)"
        }
    }

    /// The URL of the package executable `name`.
    public static func url(named name: String) throws -> URL {
        let candidates = [Bundle.main.executableURL, URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()]
            .compactMap { $0?.deletingLastPathComponent().appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NotFound(name: name, searched: candidates.map(\.path))
        }
        return found
    }
}
