/// Renders coding paths as `images.faces[1].image.base64` for error messages and dead-letter headers.
enum FieldPath {
    static func render(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return out.isEmpty ? "(root)" : out
    }

    /// The JSON type a Swift type is decoded from, for messages.
    static func jsonType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default:
            if ObjectIdentifier(type) == ObjectIdentifier([Any].self) {
                "an array"
            } else if ObjectIdentifier(type) == ObjectIdentifier([String: Any].self) {
                "an object"
            } else {
                "another JSON type"
            }
        }
    }
}

/// A coding key for building error paths by hand.
struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) { self.stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}
