import Accounts
import BenchSupport
import Foundation
import Observability
import PortvaktServer
import PostgresStorage
import SQLiteStorage
import Storage

/// A database for one backend, migrated and filled with the benchmark city before the server
/// starts on it.
struct BenchDatabase {
    /// The backend's name, for the table.
    let backend: String
    /// The settings that point `portvakt serve` at it.
    let serverSettings: [String: String]
    /// The generated city.
    let city: BenchCity
    /// A central administrator's bearer token, to create the stations.
    let adminBearer: String
    /// The PostgreSQL server's port, to find its processes; `nil` for SQLite.
    let postgresPort: Int?

    /// The PostgreSQL database the benchmark makes afresh on each run.
    static let postgresName = "portvakt_station_bench"

    /// Creates the database (`postgresURL` names a PostgreSQL server, SQLite in `directory`
    /// otherwise), generates the city, and makes an administrator token.
    static func prepare(
        postgresURL: String?, directory: String, shape: BenchCity.Shape, now: Int64
    ) throws -> BenchDatabase {
        var settings = ["issuer.key_file": directory + "/portvakt.keys", "storage.data_dir": directory + "/data"]
        let database: any Database
        var port: Int?
        if let postgresURL {
            let maintenance = try PostgresDatabase(connectionString: postgresURL, poolCapacity: 1)
            try maintenance.withoutTransaction { connection in
                try connection.execute("DROP DATABASE IF EXISTS \(postgresName) WITH (FORCE)")
                try connection.execute("CREATE DATABASE \(postgresName)")
            }
            maintenance.close()
            database = try PostgresDatabase(connectionString: postgresURL, overrides: ["dbname": postgresName])
            guard var components = URLComponents(string: postgresURL) else {
                throw BenchError("PORTVAKT_TEST_POSTGRES_URL is not a postgresql:// URL")
            }
            components.path = "/" + postgresName
            port = components.port ?? 5432
            settings["storage.backend"] = "postgres"
            settings["storage.postgres_url"] = components.string
        } else {
            try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
            database = try SQLiteDatabase(path: directory + "/data/" + DatabaseFactory.sqliteFileName)
            settings["storage.backend"] = "sqlite"
        }
        defer { database.close() }

        try Migrator(migrations: Schema.migrations).migrate(database)
        var city = BenchCity(shape: shape, hexLockIDs: true)
        try city.generate(into: database, now: now)
        let admin = try BootstrapTokens.create(
            organisationID: "central", role: .centralAdministrator, name: "station benchmark", days: 1,
            database: database, now: now, actor: "bench:station")
        return BenchDatabase(
            backend: postgresURL == nil ? "sqlite" : "postgres", serverSettings: settings, city: city,
            adminBearer: admin.bearer, postgresPort: port)
    }
}
