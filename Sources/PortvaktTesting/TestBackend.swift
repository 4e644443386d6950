import Foundation
import PostgresStorage
import SQLiteStorage
import Storage

/// A storage backend the conformance suite runs against.
///
/// Tests take one as their argument, `@Test(arguments: TestBackend.all)`, so every backend
/// passes the same suite.
public enum TestBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    /// Names the PostgreSQL server for tests: a libpq URL to a database the tests may use to
    /// create and drop their own databases.
    public static let postgresURLVariable = "PORTVAKT_TEST_POSTGRES_URL"
    /// When `1`, a missing PostgreSQL URL fails the suite instead of leaving PostgreSQL out, so
    /// CI cannot pass by silently testing SQLite only.
    public static let requirePostgresVariable = "PORTVAKT_REQUIRE_POSTGRES"

    /// The backends available here: SQLite always, PostgreSQL when a server is named or required.
    public static var all: [TestBackend] {
        let environment = ProcessInfo.processInfo.environment
        let required = environment[requirePostgresVariable] == "1"
        return postgresURL != nil || required ? [.sqlite, .postgres] : [.sqlite]
    }

    /// The server named by `PORTVAKT_TEST_POSTGRES_URL`, if any.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment[postgresURLVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    public var description: String { rawValue }

    /// Runs `body` with a fresh, empty database that is removed afterwards.
    /// - Throws: `TestSetupError` when PostgreSQL is required but not configured; whatever
    ///   `body` throws.
    public func withDatabase<T>(_ body: (TestDatabase) throws -> T) throws -> T {
        let database = try TestDatabase(backend: self)
        defer { database.destroy() }
        return try body(database)
    }

    /// Runs async `body` with a fresh, empty database that is removed afterwards.
    public func withDatabaseAsync<T>(_ body: (TestDatabase) async throws -> T) async throws -> T {
        let database = try TestDatabase(backend: self)
        defer { database.destroy() }
        return try await body(database)
    }

    /// Opens a database at an address nothing answers on; opening or the first ping must fail
    /// with `.unavailable`.
    public func openUnreachable() throws -> any Database {
        switch self {
        case .sqlite:
            return try SQLiteDatabase(path: "/nonexistent-portvakt-directory/\(UUID().uuidString)/db.sqlite")
        case .postgres:
            // Port 1 is reserved (tcpmux) and closed on any machine that runs the tests.
            return try PostgresDatabase(
                connectionString: "postgresql://portvakt@127.0.0.1:1/postgres?connect_timeout=2")
        }
    }
}

/// The test environment is not set up the way the run requires.
public struct TestSetupError: Error, CustomStringConvertible {
    /// What is missing and how to provide it.
    public let description: String
}
