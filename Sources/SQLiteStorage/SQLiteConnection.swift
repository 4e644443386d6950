import CSQLite
import Storage

/// One SQLite connection with a cache of prepared statements.
///
/// Used by one thread at a time, which the pool guarantees; SQLite is opened in multi-thread
/// mode (`SQLITE_OPEN_NOMUTEX`) for that reason.
final class SQLiteConnection: SQLConnection, PooledConnection {
    let dialect = SQLDialect.sqlite
    private let handle: OpaquePointer
    private var statements: [String: PreparedStatement] = [:]
    private(set) var isBroken = false

    /// Opens `path`, creating the file if needed, and applies the settings every connection shares.
    init(path: String, readOnly: Bool) throws(StorageError) {
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw StorageError(.unavailable, "cannot open the SQLite database at \(path)", cause: message)
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5000)
        try execute("PRAGMA foreign_keys = ON")
        // A 64 MiB page cache (an upper bound, not an allocation) keeps what a 4,000-lock
        // permission query touches between reads. Pages are not read through a memory map: in
        // WAL mode a reader that finds the database changed since its last transaction drops its
        // cache and unmaps the whole map, which under the server's steady writes (station syncs,
        // heartbeats) is nearly every read, and the munmap and page faults after it cost more CPU
        // than reading the pages (docs/station.md, "Morning rush").
        try execute("PRAGMA mmap_size = 0")
        try execute("PRAGMA cache_size = -65536")
        if !readOnly {
            // WAL lets readers work beside the single writer; FULL makes each commit durable
            // across power loss, which the promise that no acknowledged event is lost needs.
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = FULL")
        }
    }

    func close() {
        for statement in statements.values { sqlite3_finalize(statement.handle) }
        statements = [:]
        sqlite3_close_v2(handle)
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> [SQLRow] {
        let statement = try prepared(sql)
        defer { reset(statement) }
        try bind(parameters, to: statement, sql: sql)

        var rows: [SQLRow] = []
        while try step(statement, sql: sql) {
            let values = statement.columns.indices.map { value(statement.handle, column: Int32($0)) }
            rows.append(SQLRow(columns: statement.columns, values: values))
        }
        return rows
    }

    func forEachRow(_ sql: String, _ parameters: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let statement = try prepared(sql)
        defer { reset(statement) }
        try bind(parameters, to: statement, sql: sql)

        // One buffer for every row: once `body` has returned, the row no longer holds it, so the
        // next row's values overwrite it in place instead of allocating an array per row.
        var values = [SQLValue](repeating: .null, count: statement.columns.count)
        while try step(statement, sql: sql) {
            for column in values.indices { values[column] = value(statement.handle, column: Int32(column)) }
            try body(SQLRow(columns: statement.columns, values: values))
        }
    }

    /// Moves to the next row; false once the statement has finished.
    private func step(_ statement: PreparedStatement, sql: String) throws(StorageError) -> Bool {
        switch sqlite3_step(statement.handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let status: throw error(status, doing: sql)
        }
    }

    /// Makes a statement ready for its next use, with no parameters bound.
    private func reset(_ statement: PreparedStatement) {
        sqlite3_reset(statement.handle)
        sqlite3_clear_bindings(statement.handle)
    }

    private func prepared(_ sql: String) throws(StorageError) -> PreparedStatement {
        if let cached = statements[sql] {
            // Running it again would reset it under a `forEachRow` that is still reading its rows.
            guard sqlite3_stmt_busy(cached.handle) == 0 else {
                throw StorageError(
                    .invalidStatement, "a statement cannot run again while its rows are still being read", cause: sql)
            }
            return cached
        }
        var handle: OpaquePointer?
        let status = sqlite3_prepare_v3(self.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard status == SQLITE_OK, let handle else { throw error(status, doing: sql) }

        let columns = (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
        var slots: [Int] = []
        for index in 1...max(1, sqlite3_bind_parameter_count(handle)) where sqlite3_bind_parameter_count(handle) > 0 {
            guard let name = sqlite3_bind_parameter_name(handle, index).map({ String(cString: $0) }),
                name.first == "$", let number = Int(name.dropFirst()), number > 0
            else {
                sqlite3_finalize(handle)
                throw StorageError(.invalidStatement, "statements must use numbered parameters $1, $2, …", cause: sql)
            }
            slots.append(number - 1)
        }
        let statement = PreparedStatement(handle: handle, columns: columns, slots: slots)
        statements[sql] = statement
        return statement
    }

    private func bind(_ parameters: [SQLValue], to statement: PreparedStatement, sql: String) throws(StorageError) {
        let expected = (statement.slots.max() ?? -1) + 1
        guard parameters.count == expected else {
            throw StorageError(
                .invalidStatement, "the statement takes \(expected) parameters but \(parameters.count) were given",
                cause: sql)
        }
        for (offset, slot) in statement.slots.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch parameters[slot] {
            case .null:
                status = sqlite3_bind_null(statement.handle, index)
            case .integer(let value):
                status = sqlite3_bind_int64(statement.handle, index, value)
            case .real(let value):
                status = sqlite3_bind_double(statement.handle, index, value)
            case .text(let value):
                status = sqlite3_bind_text(statement.handle, index, value, -1, csqlite_transient())
            case .blob(let value):
                status = value.withUnsafeBytes { bytes in
                    // A zero-length blob needs a non-null pointer, or SQLite stores NULL.
                    sqlite3_bind_blob64(
                        statement.handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                        sqlite3_uint64(bytes.count), csqlite_transient())
                }
            }
            guard status == SQLITE_OK else { throw error(status, doing: sql) }
        }
    }

    /// The current row's value in `column` (from 0).
    private func value(_ statement: OpaquePointer, column: Int32) -> SQLValue {
        // One sqlite3_column_value call and then the plain sqlite3_value readers, rather than a
        // sqlite3_column call per question, each of which checks for a failed allocation on the
        // way out: that showed in profiles of 4,000-row results. The value is "unprotected",
        // which only matters to a connection shared between threads, and this one is not.
        guard let value = sqlite3_column_value(statement, column) else { return .null }
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_value_int64(value))
        case SQLITE_FLOAT:
            return .real(sqlite3_value_double(value))
        case SQLITE_TEXT:
            // The pointer first, then the length in bytes, as SQLite asks; reading by length
            // spares a scan for the terminator.
            let text = sqlite3_value_text(value)
            let length = Int(sqlite3_value_bytes(value))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let bytes = sqlite3_value_blob(value)
            let length = Int(sqlite3_value_bytes(value))
            guard length > 0, let bytes else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
        default:
            return .null
        }
    }

    /// Maps a SQLite result code to a storage error with a stable code.
    private func error(_ status: Int32, doing sql: String) -> StorageError {
        let message = String(cString: sqlite3_errmsg(handle))
        switch status {
        case csqlite_constraint_unique, csqlite_constraint_primarykey:
            return StorageError(.uniqueViolation, "a record with the same identity already exists", cause: message)
        case _ where status & 0xff == SQLITE_CONSTRAINT:
            return StorageError(.constraintViolation, "the change breaks a database constraint", cause: message)
        case _ where status & 0xff == SQLITE_BUSY || status & 0xff == SQLITE_LOCKED:
            return StorageError(.conflict, "the database was busy; retry the operation", cause: message)
        case SQLITE_ERROR:
            return StorageError(.invalidStatement, "the database rejected a statement", cause: "\(message): \(sql)")
        case _ where status & 0xff == SQLITE_IOERR || status & 0xff == SQLITE_FULL || status & 0xff == SQLITE_CANTOPEN:
            isBroken = true
            return StorageError(.unavailable, "the database file cannot be written or read", cause: message)
        default:
            return StorageError(.backend, "the database reported an error", cause: message)
        }
    }
}

/// A compiled statement and what binding and reading it needs.
struct PreparedStatement {
    let handle: OpaquePointer
    let columns: [String]
    /// For each SQLite parameter index (from 1), the zero-based position in the caller's values.
    let slots: [Int]
}
