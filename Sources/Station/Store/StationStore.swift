import Foundation
import Observability
import SQLiteStorage
import Storage

#if canImport(Glibc)
    import Glibc
#endif

/// The station's durable state in `DIR/station.sqlite`: identity, pinned server keys, server
/// addresses, prefetched activations and the queue of reports not yet delivered.
///
/// SQLite in WAL mode with `synchronous=FULL`, so a committed write survives a power cut. The
/// directory is made private to the station's user (0700) and the database file (which holds the
/// station's private key) is readable by that user only (0600).
public final class StationStore: Sendable {
    /// The database file's name inside the state directory.
    public static let fileName = "station.sqlite"

    /// The state directory.
    public let directory: String
    /// How many reports the queue holds at most.
    public let queueLimits: QueueLimits
    let database: SQLiteDatabase

    /// Opens the store in `directory`, creating the directory and the database when absent.
    ///
    /// - Throws: ``StationError`` when the directory cannot be created or the database opened.
    public init(directory: String, queueLimits: QueueLimits = QueueLimits(), logger: Logger = .disabled) throws {
        self.directory = directory
        self.queueLimits = queueLimits
        try Self.preparePrivateDirectory(directory)
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StationError(.storage, "cannot create \(path): \(SystemError.text(errno))")
        }
        fchmod(descriptor, 0o600)
        Glibc.close(descriptor)
        database = try SQLiteDatabase(path: path, readerCount: 2)
        do {
            try Migrator(migrations: StationMigrations.all, logger: logger).migrate(database)
        } catch {
            database.close()
            throw error
        }
    }

    /// Closes the database.
    public func close() {
        database.close()
    }

    /// Makes `directory` if needed and keeps it private to this user.
    static func preparePrivateDirectory(_ directory: String) throws(StationError) {
        var status = stat()
        if stat(directory, &status) != 0 {
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
                throw StationError(
                    .storage, "cannot create the state directory \(directory): \(SystemError.text(errno))")
            }
        } else if status.st_mode & S_IFMT != S_IFDIR {
            throw StationError(.storage, "\(directory) is not a directory")
        }
        chmod(directory, 0o700)
    }

    /// The small values the station remembers between runs.
    public enum Mark: String, Sendable {
        /// When a key last synced, Unix milliseconds.
        case lastSyncAt = "last_sync_at"
        /// When the server last answered a heartbeat, Unix milliseconds.
        case lastHeartbeatAt = "last_heartbeat_at"
        /// The newest revocation-list version the server announced.
        case revocationVersion = "revocation_version"
    }

    /// A remembered value, `nil` when never set.
    public func value(_ mark: Mark) throws -> Int64? {
        try database.read { connection in
            try connection.first("SELECT value FROM station_state WHERE name = $1", [.text(mark.rawValue)])?
                .integer("value")
        }
    }

    /// Remembers a value.
    public func setValue(_ mark: Mark, _ value: Int64) throws {
        try database.write { connection in
            try connection.execute(
                """
                INSERT INTO station_state (name, value) VALUES ($1, $2)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """, [.text(mark.rawValue), .integer(value)])
        }
    }
}
