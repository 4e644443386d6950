import Foundation
import PostgresStorage
import SQLiteStorage
import Storage
import Synchronization

/// A database created for one test: an SQLite file in its own temporary directory, or a
/// PostgreSQL database with a unique name on the test server.
///
/// Tests may open more handles to the same database (to race two servers, or to get a small
/// pool); all are closed when the test ends.
public final class TestDatabase: Sendable {
    /// The backend this database lives in.
    public let backend: TestBackend
    /// A handle with the backend's default pool.
    public let database: any Database
    private let location: Location
    private let handles = Mutex<[any Database]>([])

    private enum Location: Sendable {
        case sqlite(directory: URL)
        case postgres(server: PostgresTestServer, name: String)
    }

    init(backend: TestBackend) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("portvakt-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            location = .sqlite(directory: directory)
        case .postgres:
            let server = try PostgresTestServer.shared()
            location = .postgres(server: server, name: try server.createDatabase())
        }
        database = try Self.open(location, poolCapacity: 10, waitTimeout: .seconds(5))
        handles.withLock { $0.append(database) }
    }

    /// Opens another handle to this database.
    /// - Parameters:
    ///   - poolCapacity: the most connections; for SQLite the number of readers (it always has
    ///     exactly one writer).
    ///   - waitTimeout: how long a caller waits for a free connection.
    public func open(poolCapacity: Int = 4, waitTimeout: Duration = .seconds(5)) throws -> any Database {
        let handle = try Self.open(location, poolCapacity: poolCapacity, waitTimeout: waitTimeout)
        handles.withLock { $0.append(handle) }
        return handle
    }

    /// Closes every handle and removes the database.
    func destroy() {
        for handle in handles.withLock({ $0 }) { handle.close() }
        switch location {
        case .sqlite(let directory):
            try? FileManager.default.removeItem(at: directory)
        case .postgres(let server, let name):
            server.dropDatabase(name)
        }
    }

    private static func open(_ location: Location, poolCapacity: Int, waitTimeout: Duration) throws -> any Database {
        switch location {
        case .sqlite(let directory):
            return try SQLiteDatabase(
                path: directory.appendingPathComponent("portvakt.sqlite").path, readerCount: poolCapacity,
                waitTimeout: waitTimeout)
        case .postgres(let server, let name):
            return try PostgresDatabase(
                connectionString: server.url, overrides: ["dbname": name], poolCapacity: poolCapacity,
                waitTimeout: waitTimeout)
        }
    }
}
