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
    case integer(Int64)
    case bool(Bool)
    case null
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
        case .integer(let value):
            JSONNode.writeInteger(value, to: &output)
        case .bool(let value):
            output.append(contentsOf: value ? JSONNode.trueBytes : JSONNode.falseBytes)
        case .null:
            output.append(contentsOf: JSONNode.nullBytes)
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
            let entries = box.entries
            // Keys are written in byte order; a key set twice keeps its last value. Structs
            // rarely declare fields in order, so sort positions rather than entries.
            var order = Array(entries.indices)
            order.sort { entries[$0].key == entries[$1].key ? $0 < $1 : entries[$0].key < entries[$1].key }
            var first = true
            for (position, index) in order.enumerated() {
                if position + 1 < order.count && entries[order[position + 1]].key == entries[index].key { continue }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                JSONString.append(entries[index].key, to: &output)
                output.append(UInt8(ascii: ":"))
                entries[index].value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func number<T: BinaryInteger>(_ value: T) -> JSONNode {
        if let small = Int64(exactly: value) { return .integer(small) }
        return .literal(Array(String(value).utf8))
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let nullBytes = Array("null".utf8)

    /// Writes a decimal integer without making a string first.
    static func writeInteger(_ value: Int64, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: buffer[index...])
        }
    }

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
