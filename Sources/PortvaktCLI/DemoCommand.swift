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
        let database = try DatabaseFactory.open(configuration, logger: logger)
        defer { database.close() }
        let app = PortvaktApp(configuration: configuration, database: database, logger: logger)
        try app.prepareDatabase()
        let added = try DemoData.seed(database)

        let server: HTTPServer
        do {
            server = try app.start()
        } catch is HTTPServerError where parsed.values["port"] == nil {
            configuration.http.port = 0
            server = try PortvaktApp(configuration: configuration, database: database, logger: logger).start()
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

            Sign-in: this release has no signed-in pages yet, so there are no demo credentials to use;
            the addresses above need none.

            Stop with Ctrl-C.
            """)
        server.runUntilSignalled()
        return ExitCode.success
    }

    private static func sqliteDirectory(_ configuration: ServerConfiguration) -> String {
        if case .sqlite(let directory) = configuration.storage { directory } else { "data/demo" }
    }
}
