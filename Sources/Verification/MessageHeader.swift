/// A Kafka record header: a name and raw bytes. The domain's own type, so this module does not
/// depend on the Kafka client; the worker maps it to and from the client's header type.
public struct MessageHeader: Hashable, Sendable {
    public var name: String
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// A header with UTF-8 text.
    public init(name: String, text: String) {
        self.init(name: name, value: Array(text.utf8))
    }

    /// The value as UTF-8 text; `nil` if it is not valid UTF-8.
    public var text: String? {
        String(validating: value, as: UTF8.self)
    }
}

extension [MessageHeader] {
    /// The value of the last header named `name`, as text.
    public func text(_ name: String) -> String? {
        last(where: { $0.name == name })?.text
    }
}
