import CSQLite
import Observability
import Storage

/// The embedded default backend: one SQLite file in WAL mode, a single writer connection and a
/// small pool of readers.
///
/// SQLite allows one writer at a time; writes take the writer with `BEGIN IMMEDIATE`, so a
/// transaction never fails half-way because another one upgraded to a write lock first.
public final class SQLiteDatabase: Database {
    public let dialect = SQLDialect.sqlite
    /// The database file.
    public let path: String
    private let writer: ConnectionPool<SQLiteConnection>
    private let readers: ConnectionPool<SQLiteConnection>

    /// Opens (creating if needed) the database file at `path`.
    /// - Parameters:
    ///   - readerCount: how many read connections to keep; reads run concurrently with the writer.
    ///   - waitTimeout: how long a caller waits for a free connection.
    /// - Throws: `StorageError` with code `.unavailable` when the file cannot be opened.
    public init(path: String, readerCount: Int = 4, waitTimeout: Duration = .seconds(5)) throws(StorageError) {
        self.path = path
        let first = try SQLiteConnection(path: path, readOnly: false)
        writer = ConnectionPool(capacity: 1, waitTimeout: waitTimeout) { () throws(StorageError) in
            try SQLiteConnection(path: path, readOnly: false)
        }
        readers = ConnectionPool(capacity: max(1, readerCount), waitTimeout: waitTimeout) { () throws(StorageError) in
            try SQLiteConnection(path: path, readOnly: true)
        }
        first.close()
    }

    @discardableResult
    public func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try writer.withConnection { connection in
            try transaction(on: connection, begin: "BEGIN IMMEDIATE", body)
        }
    }

    @discardableResult
    public func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try readers.withConnection { connection in
            try transaction(on: connection, begin: "BEGIN", body)
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

    public var poolStatus: PoolStatus {
        let (w, r) = (writer.status, readers.status)
        return PoolStatus(
            open: w.open + r.open, inUse: w.inUse + r.inUse, waiting: w.waiting + r.waiting,
            capacity: w.capacity + r.capacity)
    }

    public func close() {
        writer.close()
        readers.close()
    }

    private func transaction<T>(
        on connection: SQLiteConnection, begin: String, _ body: (any SQLConnection) throws -> T
    ) throws -> T {
        try connection.execute(begin)
        do {
            let result = try body(connection)
            try connection.execute("COMMIT")
            return result
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }
}
