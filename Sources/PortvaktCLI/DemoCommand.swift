import Accounts
import HTTPServer
import Observability
import PortvaktServer

/// `portvakt demo`: serves on SQLite with seeded demo data and says where to look.
enum DemoCommand: Command {
    static let name = "demo"
    static let summary = "serve a demo on SQLite with seeded data"
    static let usage = """
        usage: portvakt demo [options]

        Serves Portvakt on the embedded database (under data/demo unless --data-dir is given),
        seeded with demo organisations, and prints the address to open. If port 8080 is taken,
        a free port is chosen. Stop it with Ctrl-C.

        options:
        \(ServerOptions.help)
        """

    static func run(_ arguments: [String], _ console: Console) throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, valued: ServerOptions.valued, switches: [])
        var configuration = try ServerOptions.configuration(
            parsed, defaults: ["storage.data_dir": "data/demo", "storage.backend": "sqlite", "log.level": "notice"])
        configuration.storage = .sqlite(directory: sqliteDirectory(configuration))
        let logger = ServerOptions.logger(configuration)
        let keys = try ServerKeyFile.loadOrCreate(at: configuration.keyFile, logger: logger)
        let database = try DatabaseFactory.open(configuration, logger: logger)
        defer { database.close() }
        let app = PortvaktApp(configuration: configuration, database: database, keys: keys, logger: logger)
        try app.prepareDatabase()
        let added = try DemoData.seed(database)
        let city = try DemoCity.seed(database)
        let now = WallTime.now().millisecondsSinceEpoch
        let tokens = try [
            ("central administrator", "org-central", Role.centralAdministrator),
            ("provider administrator", "org-norr", Role.providerAdministrator),
            ("planner", "org-norr", Role.planner),
        ].map { label, organisation, role in
            let issued = try BootstrapTokens.create(
                organisationID: organisation, role: role, name: "demo \(label)", days: 1, database: database, now: now,
                actor: "demo")
            return "  \(label) (\(organisation)):".padding(toLength: 44, withPad: " ", startingAt: 0) + issued.bearer
        }

        let server: HTTPServer
        do {
            server = try app.start()
        } catch is HTTPServerError where parsed.values["port"] == nil {
            configuration.http.port = 0
            server = try PortvaktApp(configuration: configuration, database: database, keys: keys, logger: logger)
                .start()
        }
        let address =
            "http://\(configuration.http.host == "0.0.0.0" ? "127.0.0.1" : configuration.http.host):\(server.port)/"
        console.print(
            """
            Portvakt demo is running.

              open:        \(address)
              health:      \(address)healthz
              readiness:   \(address)readyz
              metrics:     \(address)metrics
              data:        \(sqliteDirectory(configuration)) (\(added) demo records added, \(DemoData.organisations.count) organisations)
              \(cityLine(city))
              keys:        \(configuration.keyFile) (issuer key \(keys.fingerprints.issuer))

            Demo API tokens, valid for one day (send as 'Authorization: Bearer <token>'):
            \(tokens.joined(separator: "\n"))

            Try: curl -H 'Authorization: Bearer <token>' \(address)api/v1/recipients
            Browser sign-in with a security key is not part of this release yet.

            Stop with Ctrl-C.
            """)
        server.runUntilSignalled()
        return ExitCode.success
    }

    /// One line on the demo city: what this start added, or that it was already there.
    private static func cityLine(_ city: DemoCity.Summary) -> String {
        guard city.buildings > 0 else { return "city:        already seeded" }
        return "city:        \(city.buildings) buildings, \(city.locks) locks, \(city.recipients) recipients, "
            + "\(city.employees) staff with keys, \(city.grants) grants"
    }

    private static func sqliteDirectory(_ configuration: ServerConfiguration) -> String {
        if case .sqlite(let directory) = configuration.storage { directory } else { "data/demo" }
    }
}
