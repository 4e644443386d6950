import CLibPQ

/// The built-in type OIDs Portvakt binds and decodes; they are fixed in PostgreSQL's catalog.
enum PostgresType {
    static let unknown: Oid = 0
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let float4: Oid = 700
    static let float8: Oid = 701
    static let numeric: Oid = 1700
}
