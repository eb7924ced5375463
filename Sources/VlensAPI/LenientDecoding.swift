/// Any string key, so decoders can read the API's mixed-style keys (`first_name`, `idNumber`, `AML_matched`).
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { self.stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The longest string value read from a Vlens answer, in UTF-8 bytes: nothing Vlens documents comes
/// near it (ids, names, addresses, codes), and a result that carried a longer one (an extracted field,
/// Vlens's transaction id) could outgrow its Kafka topic's message limit and stall its partition.
let maxVlensStringBytes = 4096

/// Reads that never fail: a missing key, a `null` or a value of an unexpected type gives `nil`.
extension KeyedDecodingContainer where Key == AnyKey {
    /// A string (or a number as text); one over ``maxVlensStringBytes`` reads as absent.
    func string(_ key: String) -> String? {
        let key = AnyKey(key)
        if let value = try? decodeIfPresent(String.self, forKey: key) { return value.utf8.count <= maxVlensStringBytes ? value : nil }
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return String(value) }
        if let value = try? decodeIfPresent(Double.self, forKey: key) { return String(value) }
        return nil
    }

    func int(_ key: String) -> Int? {
        let key = AnyKey(key)
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(String.self, forKey: key) { return Int(value) }
        return nil
    }

    func bool(_ key: String) -> Bool? {
        let key = AnyKey(key)
        if let value = try? decodeIfPresent(Bool.self, forKey: key) { return value }
        if let value = try? decodeIfPresent(String.self, forKey: key) { return Bool(value.lowercased()) }
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return value != 0 }
        return nil
    }

    func object(_ key: String) -> KeyedDecodingContainer<AnyKey>? {
        try? nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey(key))
    }

    func decoded<T: Decodable>(_ type: T.Type, _ key: String) -> T? {
        (try? decodeIfPresent(type, forKey: AnyKey(key))) ?? nil
    }

    /// Elements of an array that decode; others are skipped.
    func array<T: Decodable>(of type: T.Type, _ key: String) -> [T] {
        (decoded([Lenient<T>].self, key) ?? []).compactMap(\.value)
    }
}

/// An element that decodes to `nil` instead of failing its array.
struct Lenient<T: Decodable>: Decodable {
    var value: T?
    init(from decoder: any Decoder) throws { value = try? T(from: decoder) }
}
