import Foundation
import Observability
import PostgresStorage
import SQLiteStorage
import Storage

/// Opens the database the configuration names.
public enum DatabaseFactory {
    /// The SQLite file's name inside the data directory.
    public static let sqliteFileName = "portvakt.sqlite3"

    /// Opens the configured backend, creating the SQLite data directory if needed.
    /// - Throws: `StorageError` with code `.unavailable` when the database cannot be reached.
    public static func open(_ configuration: ServerConfiguration, logger: Logger) throws -> any Database {
        switch configuration.storage {
        case .sqlite(let directory):
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StorageError(
                    .unavailable, "cannot create the data directory \(directory)",
                    cause: "\(error.localizedDescription)")
            }
            let path = (directory as NSString).appendingPathComponent(sqliteFileName)
            logger.notice("opening database", ["db.backend": "sqlite", "db.path": .string(path)])
            return try SQLiteDatabase(
                path: path, readerCount: max(1, configuration.poolSize - 1), waitTimeout: configuration.poolWait)
        case .postgres(let url):
            let database = try PostgresDatabase(
                connectionString: url, poolCapacity: configuration.poolSize, waitTimeout: configuration.poolWait,
                logger: logger)
            logger.notice("opening database", ["db.backend": "postgres", "db.target": .string(database.target)])
            return database
        }
    }
}
