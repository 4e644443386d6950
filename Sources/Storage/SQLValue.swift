/// A value bound to a statement parameter or read from a result column.
///
/// The five cases are the types both backends store without loss: SQLite's storage classes and
/// their PostgreSQL counterparts (`BIGINT`, `DOUBLE PRECISION`, `TEXT`, `BYTEA`). Booleans and
/// times are stored as integers (times as milliseconds since the Unix epoch), so SQL reads the
/// same on every backend.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral,
    ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(floatLiteral value: Double) { self = .real(value) }
}

extension SQLValue {
    /// A boolean as stored: 1 or 0.
    public static func bool(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }

    /// An optional string, `NULL` when absent.
    public static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }

    /// An optional integer, `NULL` when absent.
    public static func integer(_ value: Int64?) -> SQLValue { value.map { .integer($0) } ?? .null }
}
