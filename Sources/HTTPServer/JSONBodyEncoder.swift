import Foundation
import Observability

/// Encodes `Encodable` values as compact JSON with keys sorted, straight into bytes.
///
/// Responses are encoded on the request path, and Foundation's `JSONEncoder` costs several
/// microseconds even for a small object; this encoder builds a light tree and writes it once.
/// Output matches `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes` for the types the
/// API uses: dates as ISO 8601 strings in UTC, `Data` as Base64, non-finite numbers refused.
public struct JSONBodyEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// Encodes `value`.
    /// - Throws: `EncodingError.invalidValue` for a non-finite number or a value that encodes nothing.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = NodeEncoder(codingPath: [])
        try encoder.encodeValue(value)
        guard let node = encoder.node else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "the value did not encode anything"))
        }
        var output: [UInt8] = []
        output.reserveCapacity(256)
        node.write(to: &output)
        return output
    }
}

/// A JSON value under construction. Arrays and objects are reference boxes so that containers
/// handed out by the encoder can keep adding to them.
enum JSONNode {
    case literal([UInt8])
    case string(String)
    case array(ArrayBox)
    case object(ObjectBox)

    final class ArrayBox {
        var items: [JSONNode] = []
    }

    final class ObjectBox {
        /// Entries in the order they were set; a key set twice keeps its last value when written.
        var entries: [(key: String, value: JSONNode)] = []

        func set(_ key: String, _ value: JSONNode) {
            entries.append((key, value))
        }
    }

    func write(to output: inout [UInt8]) {
        switch self {
        case .literal(let bytes):
            output.append(contentsOf: bytes)
        case .string(let string):
            JSONString.append(string, to: &output)
        case .array(let box):
            output.append(UInt8(ascii: "["))
            for (index, item) in box.items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let box):
            output.append(UInt8(ascii: "{"))
            // A stable sort keeps equal keys in the order set, so the last of a run wins.
            let sorted = box.entries.enumerated().sorted {
                $0.element.key == $1.element.key
                    ? $0.offset < $1.offset : $0.element.key.utf8.lexicographicallyPrecedes($1.element.key.utf8)
            }
            var first = true
            for (index, entry) in sorted.enumerated() {
                if index + 1 < sorted.count && sorted[index + 1].element.key == entry.element.key { continue }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                JSONString.append(entry.element.key, to: &output)
                output.append(UInt8(ascii: ":"))
                entry.element.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func number<T: BinaryInteger>(_ value: T) -> JSONNode { .literal(Array(String(value).utf8)) }

    static func number<T: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: T, codingPath: [any CodingKey]
    ) throws -> JSONNode {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "\(value) cannot be written as JSON"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .literal(Array(text.utf8))
    }
}
