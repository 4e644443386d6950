import Accounts
import EventLog
import HTTPServer
import Observability
import StationLink
import Storage

/// The authorization server assembled: database, routes, metrics and the HTTP listener.
public final class PortvaktApp: Sendable {
    /// The configuration it runs with.
    public let configuration: ServerConfiguration
    /// The database it serves from.
    public let database: any Database
    /// The process's metrics.
    public let metrics: MetricsRegistry
    /// The issuer, event and link keys.
    public let keys: ServerKeys
    private let logger: Logger
    /// The time source for token expiry and audit records, milliseconds since the Unix epoch.
    private let now: @Sendable () -> Int64

    /// Assembles the application around an open database and the server's keys (from
    /// ``ServerKeyFile`` in a server; generated in tests).
    public init(
        configuration: ServerConfiguration, database: any Database, keys: ServerKeys, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { WallTime.now().millisecondsSinceEpoch }
    ) {
        self.configuration = configuration
        self.database = database
        self.keys = keys
        self.logger = logger
        self.now = now
        self.metrics = MetricsRegistry()
        registerDatabaseMetrics()
    }

    /// Applies pending migrations when configured to.
    public func prepareDatabase() throws {
        try Self.prepare(database, configuration: configuration, logger: logger)
    }

    /// Applies pending migrations to `database` when `configuration` says so, for commands that
    /// need the schema but not a running server.
    public static func prepare(_ database: any Database, configuration: ServerConfiguration, logger: Logger) throws {
        guard configuration.migrateOnStart else { return }
        try Migrator(migrations: Schema.migrations, logger: logger.child(label: "storage")).migrate(database)
    }

    /// Every route the server answers.
    public func makeRouter() throws -> Router {
        try makeAPI().router
    }

    /// The routes that need a token, with the roles that may call each; tests are generated
    /// from this list.
    public func securedRoutes() throws -> [SecuredRoute] {
        try makeAPI().routes
    }

    /// The routes only an enrolled station can call, through the sealed link; tests are
    /// generated from this list too.
    public func stationRoutes() throws -> [StationRoute] {
        try makeAPI().stationRoutes
    }

    /// The API as registered: routes, who may call them, and the OpenAPI document.
    func makeAPI() throws -> APIRouter {
        var api = APIRouter(
            router: Router(), document: OpenAPIDocument(title: "Portvakt", version: PortvaktVersion.current),
            authenticator: Authenticator(tokens: TokenStore(database: database), now: now))
        OperationsRoutes(database: database, metrics: metrics).register(in: &api)
        InfoRoutes().register(in: &api)
        TokenRoutes(database: database, now: now).register(in: &api)
        AuditRoutes(database: database).register(in: &api)
        EmployeeRoutes(database: database, now: now).register(in: &api)
        KeyRoutes(database: database, now: now).register(in: &api)
        OrganisationRoutes(database: database, now: now).register(in: &api)
        DistrictRoutes(database: database, now: now).register(in: &api)
        TeamRoutes(database: database, now: now).register(in: &api)
        GrantRoutes(database: database, now: now).register(in: &api)
        AreaGrantRoutes(database: database, now: now).register(in: &api)
        EmergencyGrantRoutes(database: database, now: now).register(in: &api)
        RecipientExportRoute(database: database, now: now).register(in: &api)
        RecipientRoutes(database: database, now: now).register(in: &api)
        BuildingRoutes(database: database, now: now).register(in: &api)
        EventRoutes(database: database).register(in: &api)
        StationRoutes(database: database, now: now).register(in: &api)
        let stationLogger = logger.child(label: "station")
        StationEnrolmentRoute(database: database, keys: keys, now: now, logger: stationLogger).register(in: &api)
        StationOperationRoutes(
            database: database, keys: keys, timeZone: configuration.timeZone,
            ingestion: EventIngestor(intake: keys.intake, now: now), now: now, logger: stationLogger
        ).register(in: &api)
        try api.addDocument(at: "/api/v1/openapi.json")
        return api
    }

    /// Starts listening; the returned server runs until shut down.
    public func start() throws -> HTTPServer {
        var httpLogger = logger.child(label: "http")
        if !configuration.accessLog { httpLogger.level = max(httpLogger.level, .notice) }
        var http = configuration.http
        http.pathBodyLimits[StationOperation.sync.path] = max(http.maxBodyBytes, Self.maxSyncRequestBytes)
        return try HTTPServer(configuration: http, router: try makeRouter(), logger: httpLogger, metrics: metrics)
    }

    private func registerDatabaseMetrics() {
        let database = self.database
        metrics.gauge(
            "portvakt_db_pool_connections",
            help: "Database connections by state: open, in use, waiting callers, capacity.",
            labels: ["state"]
        ) {
            let status = database.poolStatus
            return [
                (["open"], Double(status.open)), (["in_use"], Double(status.inUse)),
                (["waiting"], Double(status.waiting)), (["capacity"], Double(status.capacity)),
            ]
        }
    }
}
