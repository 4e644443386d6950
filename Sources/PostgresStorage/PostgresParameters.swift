import CLibPQ
import Storage

/// Statement parameters laid out the way `PQexecPrepared` takes them.
///
/// Values travel as text except blobs, which travel in binary so bytes need no escaping.
/// Integers and reals carry their type so that PostgreSQL does not guess it from context: a bare
/// `$1 + 1` would otherwise be planned as a 32-bit integer and refuse large values, and a bare
/// `SELECT $1` would come back as text. Text and `NULL` stay untyped, as a literal would, so
/// PostgreSQL infers their type from where they are used.
struct PostgresParameters {
    /// The type of each parameter; part of the prepared statement's identity.
    let types: [Oid]
    private let formats: [Int32]
    private let lengths: [Int32]
    private let offsets: [Int?]
    private let buffer: [UInt8]

    init(_ values: [SQLValue]) {
        var types: [Oid] = []
        var formats: [Int32] = []
        var lengths: [Int32] = []
        var offsets: [Int?] = []
        var buffer: [UInt8] = []
        for value in values {
            let (type, bytes, binary) = Self.encode(value)
            types.append(type)
            formats.append(binary ? 1 : 0)
            lengths.append(Int32(bytes?.count ?? 0))
            offsets.append(bytes.map { _ in buffer.count })
            if let bytes {
                buffer.append(contentsOf: bytes)
                // Text parameters are read up to a NUL; binary ones by length, so one extra
                // byte is harmless there and keeps an empty blob's pointer non-null.
                buffer.append(0)
            }
        }
        self.types = types
        self.formats = formats
        self.lengths = lengths
        self.offsets = offsets
        self.buffer = buffer
    }

    /// Calls `body` with the value pointers (`nil` for `NULL`), lengths and formats.
    func withPointers<T>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> T
    ) -> T {
        buffer.withUnsafeBytes { storage in
            let base = storage.baseAddress?.assumingMemoryBound(to: CChar.self)
            let pointers = offsets.map { offset -> UnsafePointer<CChar>? in
                guard let offset, let base else { return nil }
                return UnsafePointer(base + offset)
            }
            return body(pointers, lengths, formats)
        }
    }

    private static func encode(_ value: SQLValue) -> (Oid, [UInt8]?, binary: Bool) {
        switch value {
        case .null:
            return (PostgresType.unknown, nil, false)
        case .integer(let integer):
            return (PostgresType.int8, Array(String(integer).utf8), false)
        case .real(let real):
            return (PostgresType.float8, Array(text(real).utf8), false)
        case .text(let text):
            return (PostgresType.unknown, Array(text.utf8), false)
        case .blob(let bytes):
            return (PostgresType.bytea, bytes, true)
        }
    }

    /// A double in a form PostgreSQL parses back to the same value; Swift's shortest
    /// round-tripping digits, with PostgreSQL's spelling of the special values.
    static func text(_ real: Double) -> String {
        if real.isNaN { return "NaN" }
        if real.isInfinite { return real < 0 ? "-Infinity" : "Infinity" }
        return "\(real)"
    }
}
