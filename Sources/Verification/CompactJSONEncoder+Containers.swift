/// The `Encoder` of ``CompactJSONEncoder``: each value encodes into a ``JSONTreeNode``.
struct TreeEncoder: Encoder {
    let node: JSONTreeNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedTreeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedTreeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueTreeContainer(node: node, codingPath: codingPath)
    }
}

/// Encodes scalars into a node; shared by the three containers.
private protocol TreeScalarWriting {
    var codingPath: [any CodingKey] { get }
}

extension TreeScalarWriting {
    func writeNull(to node: JSONTreeNode) {
        node.setScalar(Array("null".utf8))
    }

    func write(_ value: Bool, to node: JSONTreeNode) {
        node.setScalar(Array((value ? "true" : "false").utf8))
    }

    func write(_ value: String, to node: JSONTreeNode) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        JSONText.appendString(value, to: &bytes)
        node.setScalar(bytes)
    }

    func write(_ value: some BinaryInteger, to node: JSONTreeNode) {
        node.setScalar(Array(String(value).utf8))
    }

    func write(_ value: Double, to node: JSONTreeNode, key: (any CodingKey)?) throws {
        guard let text = JSONText.number(value) else {
            let path = key.map { codingPath + [$0] } ?? codingPath
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        node.setScalar(Array(text.utf8))
    }

    func write<Value: Encodable>(_ value: Value, to node: JSONTreeNode, key: (any CodingKey)?) throws {
        let path = key.map { codingPath + [$0] } ?? codingPath
        try value.encode(to: TreeEncoder(node: node, codingPath: path))
    }
}

struct KeyedTreeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol, TreeScalarWriting {
    let node: JSONTreeNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { writeNull(to: node.member(key.stringValue)) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: String, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try write(value, to: node.member(key.stringValue), key: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try write(Double(value), to: node.member(key.stringValue), key: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { write(value, to: node.member(key.stringValue)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try write(value, to: node.member(key.stringValue), key: key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = node.member(key.stringValue)
        child.makeObject()
        return KeyedEncodingContainer(KeyedTreeContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.member(key.stringValue)
        child.makeArray()
        return UnkeyedTreeContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(node: node.member("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

struct UnkeyedTreeContainer: UnkeyedEncodingContainer, TreeScalarWriting {
    let node: JSONTreeNode
    let codingPath: [any CodingKey]
    var count: Int { node.elementCount }

    mutating func encodeNil() throws { writeNull(to: node.appendElement()) }
    mutating func encode(_ value: Bool) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: String) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: Double) throws { try write(value, to: node.appendElement(), key: nil) }
    mutating func encode(_ value: Float) throws { try write(Double(value), to: node.appendElement(), key: nil) }
    mutating func encode(_ value: Int) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: Int8) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: Int16) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: Int32) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: Int64) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: UInt) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: UInt8) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: UInt16) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: UInt32) throws { write(value, to: node.appendElement()) }
    mutating func encode(_ value: UInt64) throws { write(value, to: node.appendElement()) }
    mutating func encode<T: Encodable>(_ value: T) throws { try write(value, to: node.appendElement(), key: nil) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = node.appendElement()
        child.makeObject()
        return KeyedEncodingContainer(KeyedTreeContainer<NestedKey>(node: child, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = node.appendElement()
        child.makeArray()
        return UnkeyedTreeContainer(node: child, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(node: node.appendElement(), codingPath: codingPath)
    }
}

struct SingleValueTreeContainer: SingleValueEncodingContainer, TreeScalarWriting {
    let node: JSONTreeNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { writeNull(to: node) }
    mutating func encode(_ value: Bool) throws { write(value, to: node) }
    mutating func encode(_ value: String) throws { write(value, to: node) }
    mutating func encode(_ value: Double) throws { try write(value, to: node, key: nil) }
    mutating func encode(_ value: Float) throws { try write(Double(value), to: node, key: nil) }
    mutating func encode(_ value: Int) throws { write(value, to: node) }
    mutating func encode(_ value: Int8) throws { write(value, to: node) }
    mutating func encode(_ value: Int16) throws { write(value, to: node) }
    mutating func encode(_ value: Int32) throws { write(value, to: node) }
    mutating func encode(_ value: Int64) throws { write(value, to: node) }
    mutating func encode(_ value: UInt) throws { write(value, to: node) }
    mutating func encode(_ value: UInt8) throws { write(value, to: node) }
    mutating func encode(_ value: UInt16) throws { write(value, to: node) }
    mutating func encode(_ value: UInt32) throws { write(value, to: node) }
    mutating func encode(_ value: UInt64) throws { write(value, to: node) }
    mutating func encode<T: Encodable>(_ value: T) throws { try write(value, to: node, key: nil) }
}
