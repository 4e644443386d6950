/// Which SQL dialect a backend speaks; migrations and the few backend-specific statements
/// branch on it.
public enum SQLDialect: String, Sendable, CaseIterable {
    case sqlite
    case postgres
}

/// A connection lent to a transaction body. It is valid only inside that body.
///
/// Statements use numbered parameters, `$1`, `$2`, …, on every backend.
public protocol SQLConnection: AnyObject {
    /// The dialect of the backend this connection belongs to.
    var dialect: SQLDialect { get }

    /// Runs one statement and returns its rows (none for statements that return nothing).
    /// - Throws: `StorageError`; constraint failures have codes `.uniqueViolation` or
    ///   `.constraintViolation`, so callers can answer a person precisely.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> [SQLRow]

    /// Runs a query and hands its rows to `body` one at a time, as they are read, instead of
    /// collecting them: for results of thousands of rows that the caller turns into its own
    /// values straight away, where building every row first would be a large share of the call.
    ///
    /// The rows share one buffer, which is reused for the next row once `body` returns; a row
    /// that `body` keeps is copied then, so keep the values needed rather than the row. `body`
    /// may run other statements on the connection, but not this one again.
    /// - Throws: `StorageError` as `execute` does, or whatever `body` throws, which ends the query.
    func forEachRow(_ sql: String, _ parameters: [SQLValue], _ body: (SQLRow) throws -> Void) throws
}

extension SQLConnection {
    /// Runs one statement without parameters.
    @discardableResult
    public func execute(_ sql: String) throws(StorageError) -> [SQLRow] {
        try execute(sql, [])
    }

    /// Runs a query expected to return at most one row.
    public func first(_ sql: String, _ parameters: [SQLValue] = []) throws(StorageError) -> SQLRow? {
        try execute(sql, parameters).first
    }
}

/// How a backend's connections are used right now; exported as metrics.
public struct PoolStatus: Sendable, Equatable {
    /// Connections that exist, busy or idle.
    public var open: Int
    /// Connections lent out to a transaction.
    public var inUse: Int
    /// Callers waiting for a connection.
    public var waiting: Int
    /// The most connections the pool will open.
    public var capacity: Int

    /// Creates a status snapshot.
    public init(open: Int, inUse: Int, waiting: Int, capacity: Int) {
        self.open = open
        self.inUse = inUse
        self.waiting = waiting
        self.capacity = capacity
    }
}

/// The storage interface every backend implements: transactions over pooled connections.
///
/// A body runs inside one transaction: it commits when the body returns and rolls back when the
/// body throws, so no half-written state remains. Bodies must not keep the connection.
///
/// Two rules keep code correct on every backend:
/// - A failed statement ends the transaction. PostgreSQL aborts it and refuses to commit, so a
///   body must not catch a statement's error and go on; express "insert unless present" with
///   `ON CONFLICT`, which both backends support.
/// - Writers are not serialised on PostgreSQL (SQLite has one writer at a time). Change a value
///   in one statement (`SET n = n + 1`) or guard it with a condition, rather than reading it in
///   one statement and writing it back in another.
public protocol Database: Sendable {
    /// The backend's SQL dialect.
    var dialect: SQLDialect { get }

    /// Runs `body` in a read-write transaction.
    @discardableResult
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T

    /// Runs `body` in a read-only transaction that sees one consistent snapshot.
    @discardableResult
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T

    /// Checks that the database answers; used by `/readyz`.
    func ping() throws(StorageError)

    /// The connection pool's current state.
    var poolStatus: PoolStatus { get }

    /// Closes every idle connection; later calls fail with `.unavailable`.
    func close()
}
