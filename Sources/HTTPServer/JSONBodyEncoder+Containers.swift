import Foundation

/// The `Encoder` that builds a `JSONNode` tree for `JSONBodyEncoder`.
final class NodeEncoder: Encoder {
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any] = [:]
    var node: JSONNode?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: JSONNode.ObjectBox
        if case .object(let existing) = node {
            box = existing
        } else {
            box = JSONNode.ObjectBox()
            node = .object(box)
        }
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: JSONNode.ArrayBox
        if case .array(let existing) = node {
            box = existing
        } else {
            box = JSONNode.ArrayBox()
            node = .array(box)
        }
        return UnkeyedNodeContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNodeContainer(encoder: self) }

    /// Encodes one value, handling the Foundation types whose JSON form is fixed by the API.
    func encodeValue<T: Encodable>(_ value: T) throws {
        node = try NodeEncoder.node(for: value, path: { codingPath })
    }

    /// The node for `value`. The coding path is built only when needed (a nested encoder or an
    /// error), since building it for every field is a large share of encoding time.
    static func node<T: Encodable>(for value: T, path: () -> [any CodingKey]) throws -> JSONNode {
        // Comparing metatypes is cheap; a failed `as?` cast per candidate type is not, and most
        // values are structs that match none of them.
        let type = T.self
        if type == String.self { return .string(value as! String) }
        if type == Int.self { return JSONNode.number(value as! Int) }
        if type == Bool.self { return .bool(value as! Bool) }
        if type == Int64.self { return JSONNode.number(value as! Int64) }
        if type == Double.self { return try JSONNode.number(value as! Double, codingPath: path()) }
        if type == Date.self { return .string((value as! Date).formatted(.iso8601)) }
        if type == Data.self { return .string((value as! Data).base64EncodedString()) }
        if type == URL.self { return .string((value as! URL).absoluteString) }
        // The other integer and float widths: their own `Encodable` conformances hand the value
        // straight back to a single-value container, which would come here again for ever.
        if let integer = otherInteger(value) { return integer }
        if type == Float.self { return try JSONNode.number(value as! Float, codingPath: path()) }
        let encoder = NodeEncoder(codingPath: path())
        try value.encode(to: encoder)
        return encoder.node ?? .object(JSONNode.ObjectBox())
    }

    /// The node for an integer of a width other than `Int` and `Int64`, or `nil` for anything else.
    private static func otherInteger<T>(_ value: T) -> JSONNode? {
        let type = T.self
        if type == UInt8.self { return JSONNode.number(value as! UInt8) }
        if type == UInt16.self { return JSONNode.number(value as! UInt16) }
        if type == UInt32.self { return JSONNode.number(value as! UInt32) }
        if type == UInt64.self { return JSONNode.number(value as! UInt64) }
        if type == UInt.self { return JSONNode.number(value as! UInt) }
        if type == Int8.self { return JSONNode.number(value as! Int8) }
        if type == Int16.self { return JSONNode.number(value as! Int16) }
        if type == Int32.self { return JSONNode.number(value as! Int32) }
        return nil
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONNode.ObjectBox
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { box.set(key.stringValue, .null) }

    // The common field types get their own overloads: synthesized `Encodable` conformances call
    // these directly, which skips the dynamic type checks of the generic path.
    mutating func encode(_ value: String, forKey key: Key) throws { box.set(key.stringValue, .string(value)) }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        box.set(key.stringValue, .bool(value))
    }

    mutating func encode(_ value: Int, forKey key: Key) throws { box.set(key.stringValue, JSONNode.number(value)) }

    mutating func encode(_ value: Int64, forKey key: Key) throws { box.set(key.stringValue, JSONNode.number(value)) }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        box.set(key.stringValue, try JSONNode.number(value, codingPath: codingPath + [key]))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.set(key.stringValue, try NodeEncoder.node(for: value, path: { codingPath + [key] }))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = JSONNode.ObjectBox()
        box.set(key.stringValue, .object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONNode.ArrayBox()
        box.set(key.stringValue, .array(nested))
        return UnkeyedNodeContainer(box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { SuperEncoder(box: box, key: "super", codingPath: codingPath) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        SuperEncoder(box: box, key: key.stringValue, codingPath: codingPath + [key])
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let box: JSONNode.ArrayBox
    let codingPath: [any CodingKey]
    var count: Int { box.items.count }

    mutating func encodeNil() throws { box.items.append(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        box.items.append(try NodeEncoder.node(for: value, path: { codingPath + [IndexKey(index)] }))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = JSONNode.ObjectBox()
        let path = codingPath + [IndexKey(count)]
        box.items.append(.object(nested))
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(box: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONNode.ArrayBox()
        let path = codingPath + [IndexKey(count)]
        box.items.append(.array(nested))
        return UnkeyedNodeContainer(box: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let nested = JSONNode.ObjectBox()
        box.items.append(.object(nested))
        return SuperEncoder(box: nested, key: nil, codingPath: codingPath + [IndexKey(count - 1)])
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let encoder: NodeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.node = .null }

    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
}

/// An encoder for a superclass's or a nested part's values, stored under `key` (or into `box`
/// itself when `key` is nil) once it has encoded something.
private final class SuperEncoder: Encoder {
    let box: JSONNode.ObjectBox
    let key: String?
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any] = [:]
    private let inner: NodeEncoder

    init(box: JSONNode.ObjectBox, key: String?, codingPath: [any CodingKey]) {
        self.box = box
        self.key = key
        self.codingPath = codingPath
        inner = NodeEncoder(codingPath: codingPath)
        if key == nil { inner.node = .object(box) }
    }

    deinit {
        if let key, let node = inner.node { box.set(key, node) }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        inner.container(keyedBy: type)
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }

    func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}

/// The coding key of an array element, for error paths.
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
