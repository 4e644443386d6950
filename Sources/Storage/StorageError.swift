/// An error from a storage backend, with a stable code, a message a person can act on, and the
/// backend's own message as the cause.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, stable across backends so callers can react to it.
    public enum Code: String, Sendable {
        /// The database cannot be reached or opened.
        case unavailable
        /// No connection became free within the pool's wait limit.
        case poolTimeout = "pool_timeout"
        /// A unique or primary-key constraint rejected the write.
        case uniqueViolation = "unique_violation"
        /// A foreign-key, check or not-null constraint rejected the write.
        case constraintViolation = "constraint_violation"
        /// Concurrent transactions conflicted; retrying the whole transaction may succeed.
        case conflict
        /// The SQL itself is wrong: a programming error.
        case invalidStatement = "invalid_statement"
        /// A column did not hold the type the caller asked for.
        case decoding
        /// The database schema does not match this build (migration trouble).
        case schema
        /// Any other backend failure.
        case backend
    }

    /// The stable code.
    public let code: Code
    /// What happened, in words an operator can act on.
    public let message: String
    /// The backend's own error text, when there is one.
    public let cause: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        cause.map { "\(message) (\(code.rawValue): \($0))" } ?? "\(message) (\(code.rawValue))"
    }

    static func decoding(column: String, found: SQLValue?) -> StorageError {
        let what = found.map { "\($0)" } ?? "no such column"
        return StorageError(.decoding, "column \(column) does not hold the expected type", cause: what)
    }
}
