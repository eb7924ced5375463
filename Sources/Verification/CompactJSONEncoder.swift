/// Encodes the contract events as compact JSON with sorted keys and unescaped slashes: the bytes
/// `JSONEncoder` writes with `[.sortedKeys, .withoutEscapingSlashes]`, from the same `Encodable`
/// conformances, at a fraction of its cost (it was 3–4 % of the worker's CPU per capture: boxed
/// containers, coding paths and an intermediate value tree of its own).
///
/// Scalars are written to bytes as they are encoded; objects keep their members until the end,
/// when they are written sorted by key (UTF-8 order). Dates, `Data` and URLs get no special
/// strategy (the contract events carry none: timestamps are ``Timestamp`` strings).
public struct CompactJSONEncoder: Sendable {
    public init() {}

    /// `value` as JSON bytes. Throws `EncodingError.invalidValue` for a non-finite number and for
    /// a top-level value that encodes nothing.
    public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let root = JSONTreeNode()
        try value.encode(to: TreeEncoder(node: root, codingPath: []))
        guard !root.isEmpty else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "Top-level \(Value.self) did not encode any values."))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        root.write(into: &bytes)
        return bytes
    }
}

/// One JSON value being built: a scalar already in its JSON bytes, an object's members, or an
/// array's elements.
final class JSONTreeNode {
    private var scalar: [UInt8]?
    private var members: [(key: String, node: JSONTreeNode)]?
    private var elements: [JSONTreeNode]?

    var isEmpty: Bool { scalar == nil && members == nil && elements == nil }

    func setScalar(_ bytes: [UInt8]) {
        scalar = bytes
        members = nil
        elements = nil
    }

    /// Makes the node an object (keeping its members if it is one already).
    func makeObject() {
        guard members == nil else { return }
        scalar = nil
        elements = nil
        members = []
    }

    /// Makes the node an array (keeping its elements if it is one already).
    func makeArray() {
        guard elements == nil else { return }
        scalar = nil
        members = nil
        elements = []
    }

    /// A new node under `key`. A key encoded again replaces the earlier value when written
    /// (`JSONEncoder` keeps the last).
    func member(_ key: String) -> JSONTreeNode {
        makeObject()
        let node = JSONTreeNode()
        members!.append((key, node))
        return node
    }

    func appendElement() -> JSONTreeNode {
        makeArray()
        let node = JSONTreeNode()
        elements!.append(node)
        return node
    }

    var elementCount: Int { elements?.count ?? 0 }

    func write(into bytes: inout [UInt8]) {
        if let scalar {
            bytes.append(contentsOf: scalar)
        } else if let elements {
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                element.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        } else {
            // An object, or a value that encoded nothing (`JSONEncoder` writes `{}` for it).
            bytes.append(UInt8(ascii: "{"))
            // Sorted by key, then by when each was encoded, so the last of a repeated key is written.
            // (String order is the UTF-8 byte order for the ASCII keys of the contracts.)
            let members = members ?? []
            let order = members.indices.sorted { members[$0].key < members[$1].key || (members[$0].key == members[$1].key && $0 < $1) }
            var first = true
            for (position, index) in order.enumerated() {
                if position + 1 < order.count, members[order[position + 1]].key == members[index].key { continue }
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                JSONText.appendString(members[index].key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                members[index].node.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
