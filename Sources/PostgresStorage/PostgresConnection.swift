import CLibPQ
import Storage

/// One libpq session with a cache of named prepared statements.
///
/// Used by one thread at a time, which the pool guarantees; libpq sessions are not thread-safe.
final class PostgresConnection: SQLConnection, PooledConnection {
    /// Past this many cached statements the cache is emptied, so SQL built at run time (lists of
    /// varying length) cannot grow server memory without bound.
    private static let statementCacheLimit = 512

    let dialect = SQLDialect.postgres
    private let handle: OpaquePointer
    private var statements: [StatementKey: PreparedStatement] = [:]
    private var statementCount = 0
    private(set) var isBroken = false

    /// Connects; blocks for at most the string's `connect_timeout`.
    /// - Throws: `StorageError` with code `.unavailable` when the server cannot be reached or
    ///   refuses the session.
    init(_ target: PostgresConnectionString) throws(StorageError) {
        let handle = target.withCArrays { keywords, values in PQconnectdbParams(keywords, values, 1) }
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { Self.message(PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(handle)
            throw StorageError(.unavailable, "cannot connect to PostgreSQL at \(target.redacted)", cause: message)
        }
        self.handle = handle
        // libpq prints notices ("relation already exists, skipping") to standard error by
        // default, which would break the one-JSON-object-per-line log format.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    func close() {
        PQfinish(handle)
    }

    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> [SQLRow] {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        return result.map(PostgresRows.decode) ?? []
    }

    func forEachRow(_ sql: String, _ parameters: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        if let result { try PostgresRows.forEach(in: result, body) }
    }

    /// Runs a statement through the cache of prepared statements; the caller clears the result.
    private func run(_ sql: String, _ parameters: [SQLValue]) throws(StorageError) -> OpaquePointer? {
        let encoded = PostgresParameters(parameters)
        let key = StatementKey(sql: sql, types: encoded.types)
        let statement = try prepared(key)
        guard statement.parameterCount == parameters.count else {
            throw StorageError(
                .invalidStatement,
                "the statement takes \(statement.parameterCount) parameters but \(parameters.count) were given",
                cause: sql)
        }

        let result = encoded.withPointers { values, lengths, formats in
            PQexecPrepared(handle, statement.name, Int32(parameters.count), values, lengths, formats, 0)
        }
        do {
            try check(result, sql: sql)
        } catch {
            // A schema change can make a cached plan unusable ("cached plan must not change
            // result type"); forget it so the next transaction prepares it afresh.
            if sqlstate(result) == "0A000" { statements[key] = nil }
            PQclear(result)
            throw error
        }
        return result
    }

    /// Runs a statement without parameters or caching: transaction control and session settings.
    func command(_ sql: String) throws(StorageError) {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Starts a transaction, reconnecting once if the session died while idle in the pool
    /// (a server restart or a dropped network path), since nothing has happened yet to lose.
    func begin(_ sql: String) throws(StorageError) {
        do {
            try command(sql)
        } catch  where PQstatus(handle) != CONNECTION_OK {
            PQreset(handle)
            guard PQstatus(handle) == CONNECTION_OK else { throw error }
            statements = [:]
            isBroken = false
            try command(sql)
        }
    }

    /// Whether the session is inside a transaction that failed and will only accept `ROLLBACK`.
    var transactionFailed: Bool { PQtransactionStatus(handle) == PQTRANS_INERROR }

    /// Marks the connection broken unless it is idle outside a transaction, so that a session
    /// left in an unknown state never reaches the next caller.
    func requireIdle() {
        if PQtransactionStatus(handle) != PQTRANS_IDLE { isBroken = true }
    }

    private func prepared(_ key: StatementKey) throws(StorageError) -> PreparedStatement {
        if let cached = statements[key] { return cached }
        if statements.count >= Self.statementCacheLimit {
            try command("DEALLOCATE ALL")
            statements = [:]
        }

        statementCount += 1
        let name = "portvakt_\(statementCount)"
        let prepared = PQprepare(handle, name, key.sql, Int32(key.types.count), key.types)
        defer { PQclear(prepared) }
        try check(prepared, sql: key.sql)
        // The server infers parameters the caller left out; comparing counts catches them here
        // instead of as a protocol error that would cost the connection.
        let description = PQdescribePrepared(handle, name)
        defer { PQclear(description) }
        try check(description, sql: key.sql)

        let statement = PreparedStatement(name: name, parameterCount: Int(PQnparams(description)))
        statements[key] = statement
        return statement
    }

    private func check(_ result: OpaquePointer?, sql: String) throws(StorageError) {
        let status = result.map(PQresultStatus) ?? PGRES_FATAL_ERROR
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return }

        let error: StorageError
        if PQstatus(handle) != CONNECTION_OK {
            error = .postgres(sqlstate: nil, message: Self.message(PQerrorMessage(handle)), statement: sql)
        } else if let result, status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR {
            let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M")))
            error = .postgres(sqlstate: sqlstate(result), message: Self.message(primary), statement: sql)
        } else if result == nil {
            error = .postgres(sqlstate: nil, message: Self.message(PQerrorMessage(handle)), statement: sql)
        } else {
            // COPY and other streaming modes need a protocol Portvakt does not speak.
            error = StorageError(
                .invalidStatement, "the statement needs a result mode Portvakt does not support", cause: sql)
        }
        if error.breaksPostgresConnection { isBroken = true }
        throw error
    }

    /// The SQLSTATE of a failed result; `PG_DIAG_SQLSTATE` is the macro `'C'`, which Swift
    /// cannot import.
    private func sqlstate(_ result: OpaquePointer?) -> String? {
        guard let result, let field = PQresultErrorField(result, Int32(UInt8(ascii: "C"))) else { return nil }
        return String(cString: field)
    }

    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "no message" }
        var message = Substring(String(cString: text))
        while let last = message.last, last == "\n" || last == " " { message.removeLast() }
        return String(message)
    }
}

/// A statement's identity on one session: the same SQL with other parameter types is a different
/// prepared statement.
private struct StatementKey: Hashable {
    let sql: String
    let types: [Oid]
}

/// A prepared statement's server-side name and how many parameters it takes.
private struct PreparedStatement {
    let name: String
    let parameterCount: Int
}
