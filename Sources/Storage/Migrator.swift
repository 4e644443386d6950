import Observability

/// Applies versioned migrations, each in its own transaction, exactly once per database.
///
/// Several servers may start against one PostgreSQL database at the same moment; the migrator
/// takes a transaction-scoped advisory lock there (SQLite serialises writers by itself), so only
/// one applies a given version and the others see it applied.
public struct Migrator: Sendable {
    /// The migrations this build knows, in any order.
    public let migrations: [Migration]
    private let logger: Logger

    /// Creates a migrator.
    /// - Precondition: versions are positive and unique.
    public init(migrations: [Migration], logger: Logger = .disabled) {
        let versions = migrations.map(\.version)
        precondition(Set(versions).count == versions.count, "migration versions must be unique")
        precondition(versions.allSatisfy { $0 > 0 }, "migration versions must be positive")
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// The versions already applied to `database`, ascending.
    public func appliedVersions(in database: any Database) throws -> [Int] {
        try database.write { connection in
            try prepare(connection)
            return try applied(connection).keys.sorted()
        }
    }

    /// The migrations not yet applied to `database`.
    public func pending(in database: any Database) throws -> [Migration] {
        let done = Set(try appliedVersions(in: database))
        return migrations.filter { !done.contains($0.version) }
    }

    /// Applies every pending migration and returns the versions applied now.
    /// - Throws: `StorageError` with code `.schema` when the database holds a version this build
    ///   does not know (it was migrated by a newer build) or an applied migration's SQL changed.
    @discardableResult
    public func migrate(_ database: any Database, now: WallTime = .now()) throws -> [Int] {
        var appliedNow: [Int] = []
        for migration in migrations {
            let didApply = try database.write { connection in
                try prepare(connection)
                let done = try applied(connection)
                try check(done, dialect: connection.dialect)
                guard done[migration.version] == nil else { return false }
                for statement in migration.statements(for: connection.dialect) {
                    try connection.execute(statement)
                }
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
                    [
                        .integer(Int64(migration.version)), .text(migration.name),
                        .text(migration.checksum(for: connection.dialect)), .integer(now.millisecondsSinceEpoch),
                    ])
                return true
            }
            if didApply {
                appliedNow.append(migration.version)
                logger.info("migration applied", ["db.migration.version": .int(migration.version)])
            }
        }
        if migrations.isEmpty {
            try database.write { connection in
                try prepare(connection)
                try check(try applied(connection), dialect: connection.dialect)
            }
        }
        return appliedNow
    }

    private func prepare(_ connection: any SQLConnection) throws {
        if connection.dialect == .postgres {
            try connection.execute("SELECT pg_advisory_xact_lock(7407001)")
        }
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """)
    }

    private func applied(_ connection: any SQLConnection) throws -> [Int: String] {
        var result: [Int: String] = [:]
        for row in try connection.execute("SELECT version, checksum FROM schema_migrations") {
            result[Int(try row.integer("version"))] = try row.text("checksum")
        }
        return result
    }

    private func check(_ done: [Int: String], dialect: SQLDialect) throws(StorageError) {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, checksum) in done.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw StorageError(
                    .schema,
                    "the database has schema version \(version), which this build of Portvakt does not know; "
                        + "run a newer build or restore a matching backup")
            }
            guard migration.checksum(for: dialect) == checksum else {
                throw StorageError(
                    .schema,
                    "migration \(version) (\(migration.name)) was changed after it was applied; "
                        + "add a new migration instead of editing an applied one")
            }
        }
    }
}
