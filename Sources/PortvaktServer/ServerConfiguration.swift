import Configuration
import Foundation
import HTTPServer
import Observability

/// The server's configuration in typed form, built from validated settings.
public struct ServerConfiguration: Sendable {
    /// Which database to use.
    public enum Storage: Sendable {
        /// SQLite in a file under the data directory.
        case sqlite(directory: String)
        /// PostgreSQL reached through a libpq connection string.
        case postgres(url: String)
    }

    /// HTTP listener and limits.
    public var http: HTTPServerConfiguration
    /// The database backend.
    public var storage: Storage
    /// Most database connections.
    public var poolSize: Int
    /// Wait for a free database connection.
    public var poolWait: Duration
    /// Whether `serve` applies pending migrations.
    public var migrateOnStart: Bool
    /// The lowest log level written.
    public var logLevel: LogLevel
    /// Whether each request is logged.
    public var accessLog: Bool
    /// How long data is kept, and how often the server purges.
    public var retention: RetentionPolicy
    /// The file holding the server's keys.
    public var keyFile: String
    /// The time zone weekly schedules are read in when credentials are issued.
    public var timeZone: TimeZone

    /// Builds the typed configuration.
    /// - Throws: `ConfigurationError` when a required setting for the chosen backend is missing.
    public init(_ configuration: Configuration) throws(ConfigurationError) {
        http = HTTPServerConfiguration(
            host: try configuration.required("http.host"), port: UInt16(configuration.integer("http.port")),
            threads: configuration.integer("http.threads"), maxBodyBytes: configuration.integer("http.max_body_bytes"),
            idleTimeoutSeconds: configuration.integer("http.idle_timeout_seconds"),
            bodyTimeoutSeconds: configuration.integer("http.body_timeout_seconds"),
            maxConnections: configuration.integer("http.max_connections"),
            shutdownGrace: .seconds(configuration.integer("http.shutdown_grace_seconds")),
            strictTransportSecurity: configuration.boolean("http.hsts"))
        if try configuration.required("storage.backend") == "postgres" {
            storage = .postgres(url: try configuration.required("storage.postgres_url"))
        } else {
            storage = .sqlite(directory: try configuration.required("storage.data_dir"))
        }
        poolSize = configuration.integer("storage.pool_size")
        poolWait = .seconds(configuration.integer("storage.pool_wait_seconds"))
        migrateOnStart = configuration.boolean("storage.migrate_on_start")
        logLevel = LogLevel(name: try configuration.required("log.level")) ?? .info
        accessLog = configuration.boolean("log.access")
        retention = RetentionPolicy(configuration)
        let dataDirectory = try configuration.required("storage.data_dir") as NSString
        keyFile =
            configuration.text("issuer.key_file") ?? dataDirectory.appendingPathComponent(ServerKeyFile.defaultName)
        let zone = try configuration.required("issuer.time_zone")
        guard let timeZone = TimeZone(identifier: zone) else {
            throw .invalidValue(
                key: "issuer.time_zone", value: zone, source: "configuration",
                expected: "an IANA time zone name such as Europe/Stockholm")
        }
        self.timeZone = timeZone
    }
}
