import Storage

extension StorageError {
    /// Maps a PostgreSQL error to a storage error with a stable code.
    /// - Parameters:
    ///   - sqlstate: the five-character SQLSTATE, `nil` when the server sent none (the connection
    ///     failed before an answer arrived).
    ///   - message: the server's primary message; details are left out because they quote row
    ///     values, which may be personal data.
    ///   - statement: the SQL, added to the cause of statement errors so they can be found.
    static func postgres(sqlstate: String?, message: String, statement: String) -> StorageError {
        guard let sqlstate else {
            return StorageError(.unavailable, "the connection to PostgreSQL failed", cause: message)
        }
        switch sqlstate {
        case "23505":
            return StorageError(.uniqueViolation, "a record with the same identity already exists", cause: message)
        case _ where sqlstate.hasPrefix("23"):
            return StorageError(.constraintViolation, "the change breaks a database constraint", cause: message)
        case "40001", "40P01":
            return StorageError(
                .conflict, "the transaction conflicted with a concurrent one; retry it", cause: message)
        case _ where sqlstate.hasPrefix("42"):
            return StorageError(
                .invalidStatement, "the database rejected a statement", cause: "\(message): \(statement)")
        // Class 08 is connection trouble; 57P01-57P03 are the server shutting down or starting,
        // which end the session just the same.
        case _ where sqlstate.hasPrefix("08"), "57P01", "57P02", "57P03":
            return StorageError(.unavailable, "the connection to PostgreSQL failed", cause: message)
        default:
            return StorageError(.backend, "the database reported an error", cause: "\(sqlstate): \(message)")
        }
    }

    /// Whether the error leaves the connection unusable, so the pool must drop it.
    var breaksPostgresConnection: Bool { code == .unavailable }
}
