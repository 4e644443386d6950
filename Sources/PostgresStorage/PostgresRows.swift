import CLibPQ
import Storage

/// Reads a text-format result into rows, choosing each value's case by its column's type.
enum PostgresRows {
    static func decode(_ result: OpaquePointer) -> [SQLRow] {
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<columnCount).map { PQftype(result, $0) }
        return (0..<PQntuples(result)).map { row in
            let values = (0..<columnCount).map { column in value(result, row: row, column: column, types: types) }
            return SQLRow(columns: columns, values: values)
        }
    }

    /// Hands the rows to `body` one at a time, decoded into one reused buffer.
    static func forEach(in result: OpaquePointer, _ body: (SQLRow) throws -> Void) rethrows {
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<columnCount).map { PQftype(result, $0) }
        var values = [SQLValue](repeating: .null, count: Int(columnCount))
        for row in 0..<PQntuples(result) {
            for column in 0..<columnCount {
                values[Int(column)] = value(result, row: row, column: column, types: types)
            }
            try body(SQLRow(columns: columns, values: values))
        }
    }

    private static func value(_ result: OpaquePointer, row: Int32, column: Int32, types: [Oid]) -> SQLValue {
        guard PQgetisnull(result, row, column) == 0 else { return .null }
        let text = UnsafeRawBufferPointer(
            start: PQgetvalue(result, row, column), count: Int(PQgetlength(result, row, column)))
        return value(text, type: types[Int(column)])
    }

    /// Decodes one value from its text form.
    static func value(_ text: UnsafeRawBufferPointer, type: Oid) -> SQLValue {
        let string = String(decoding: text, as: UTF8.self)
        switch type {
        case PostgresType.int2, PostgresType.int4, PostgresType.int8:
            return Int64(string).map(SQLValue.integer) ?? .text(string)
        case PostgresType.float4, PostgresType.float8, PostgresType.numeric:
            return real(string).map(SQLValue.real) ?? .text(string)
        case PostgresType.bool:
            return .integer(string == "t" ? 1 : 0)
        case PostgresType.bytea:
            return bytes(text).map(SQLValue.blob) ?? .text(string)
        default:
            return .text(string)
        }
    }

    /// Parses PostgreSQL's float output, which spells the special values its own way.
    static func real(_ string: String) -> Double? {
        switch string {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(string)
        }
    }

    /// Decodes `bytea` output in the hex form (`\x0aff…`), the server default since 9.0; the
    /// older escape form, chosen by a server's `bytea_output` setting, goes through libpq.
    static func bytes(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else {
            return unescaped(text)
        }
        guard text.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((text.count - 2) / 2)
        var index = 2
        while index < text.count {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func unescaped(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        // PQunescapeBytea reads up to a NUL, which the buffer from PQgetvalue has; copy to be sure.
        let terminated = Array(text) + [0]
        var length = 0
        guard let decoded = PQunescapeBytea(terminated, &length) else { return nil }
        defer { PQfreemem(decoded) }
        return Array(UnsafeBufferPointer(start: decoded, count: length))
    }
}
