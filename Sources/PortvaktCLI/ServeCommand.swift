import PortvaktServer

/// `portvakt serve`: runs the authorization server until SIGTERM or SIGINT.
enum ServeCommand: Command {
    static let name = "serve"
    static let summary = "run the authorization server"
    static let usage = """
        usage: portvakt serve [options]

        Runs the server until SIGTERM or SIGINT, then lets in-flight requests finish.
        Pending schema migrations are applied first unless storage.migrate_on_start is false.
        Data past its retention period is purged at start and then every
        retention.purge_interval_minutes (see 'portvakt purge --help').

        options:
        \(ServerOptions.help)
        """

    static func run(_ arguments: [String], _ console: Console) throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, valued: ServerOptions.valued, switches: [])
        let configuration = try ServerOptions.configuration(parsed)
        let logger = ServerOptions.logger(configuration)
        let keys = try ServerKeyFile.loadOrCreate(at: configuration.keyFile, logger: logger)
        let database = try DatabaseFactory.open(configuration, logger: logger)
        defer { database.close() }
        let app = PortvaktApp(configuration: configuration, database: database, keys: keys, logger: logger)
        try app.prepareDatabase()
        let server = try app.start()
        let retention = configuration.retention.purgeInterval.map { interval in
            let logger = logger.child(label: "retention")
            let purger = RetentionPurger.standard(
                database: database, policy: configuration.retention, actor: "system:retention", logger: logger)
            return RetentionSchedule(purger: purger, interval: interval, metrics: app.metrics, logger: logger)
        }
        retention?.start()
        server.runUntilSignalled()
        retention?.stop()
        return ExitCode.success
    }
}
