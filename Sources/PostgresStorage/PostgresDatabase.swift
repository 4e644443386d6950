import Observability
import Storage

/// The PostgreSQL backend, for deployments that need a shared server, replicas or managed backups.
///
/// Writes run at PostgreSQL's default `READ COMMITTED` isolation: each statement sees the data
/// committed before it started, and an `UPDATE` re-reads a row a concurrent writer changed, so
/// single-statement updates such as `n = n + 1` lose nothing. A value read by one statement and
/// written back by a later one is not protected that way; such code needs one statement doing
/// both. Reads run `REPEATABLE READ READ ONLY`, so every statement in a read body sees the
/// snapshot taken at its first statement.
///
/// Integer parameters are sent as `BIGINT` and reals as `DOUBLE PRECISION`, so that `SELECT $1`
/// and arithmetic on parameters behave as on SQLite; a function taking a narrower type needs a
/// `CAST($1 AS INTEGER)`. Statements are prepared once per connection and reused.
///
/// Connections open lazily, so the server can start while PostgreSQL is still coming up and
/// report it through `ping` instead of refusing to start.
public final class PostgresDatabase: Database {
    public let dialect = SQLDialect.postgres
    /// Where the database is, without the password; safe to log and show.
    public let target: String
    private let pool: ConnectionPool<PostgresConnection>

    /// Prepares a database handle; no connection is made until the first transaction.
    /// - Parameters:
    ///   - connectionString: a libpq connection string, either a `postgresql://` URL or
    ///     `key=value` pairs. The password, if any, is never logged.
    ///   - overrides: libpq settings that take precedence over the string's, such as `dbname`.
    ///   - poolCapacity: the most connections open at once.
    ///   - waitTimeout: how long a caller waits for a free connection before `.poolTimeout`.
    ///   - logger: receives connection events.
    /// - Throws: `StorageError` with code `.unavailable` when the string cannot be parsed.
    public init(
        connectionString: String, overrides: [String: String] = [:], poolCapacity: Int = 10,
        waitTimeout: Duration = .seconds(5), logger: Logger = .disabled
    ) throws(StorageError) {
        let parsed = try PostgresConnectionString(connectionString, overrides: overrides)
        let logger = logger.child(label: "storage.postgres", metadata: ["db.target": .string(parsed.redacted)])
        target = parsed.redacted
        pool = ConnectionPool(capacity: poolCapacity, waitTimeout: waitTimeout) { () throws(StorageError) in
            do throws(StorageError) {
                let connection = try PostgresConnection(parsed)
                logger.debug("connection opened")
                return connection
            } catch {
                logger.warning("connection failed", ["error.message": .string(error.description)])
                throw error
            }
        }
    }

    @discardableResult
    public func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN", body)
    }

    @discardableResult
    public func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body` on a connection outside any transaction, each statement committing by itself.
    ///
    /// For the statements PostgreSQL refuses inside a transaction, such as `CREATE DATABASE` or
    /// `CREATE INDEX CONCURRENTLY`.
    @discardableResult
    public func withoutTransaction<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.withConnection { connection in
            defer { connection.requireIdle() }
            return try body(connection)
        }
    }

    public func ping() throws(StorageError) {
        do {
            _ = try read { connection in try connection.execute("SELECT 1") }
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError(.backend, "the database did not answer", cause: "\(error)")
        }
    }

    public var poolStatus: PoolStatus { pool.status }

    public func close() {
        pool.close()
    }

    private func transaction<T>(begin: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.withConnection { connection in
            try connection.begin(begin)
            do {
                let result = try body(connection)
                // PostgreSQL answers COMMIT in a failed transaction by rolling back without an
                // error; a body that caught a statement error must not believe it committed.
                if connection.transactionFailed {
                    throw StorageError(
                        .backend,
                        "the transaction was rolled back because a statement in it failed; "
                            + "PostgreSQL cannot continue a transaction after an error")
                }
                try connection.command("COMMIT")
                connection.requireIdle()
                return result
            } catch {
                try? connection.command("ROLLBACK")
                connection.requireIdle()
                throw error
            }
        }
    }
}
