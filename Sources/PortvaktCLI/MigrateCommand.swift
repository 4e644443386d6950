import PortvaktServer
import Storage

/// `portvakt migrate`: applies pending schema migrations, or lists them with `--status`.
enum MigrateCommand: Command {
    static let name = "migrate"
    static let summary = "apply pending database migrations"
    static let usage = """
        usage: portvakt migrate [--status] [options]

        Applies every pending schema migration, each in its own transaction. Safe to run while
        other servers start: only one applies a given migration.

          --status           list applied and pending migrations without changing anything

        options:
        \(ServerOptions.help)
        """

    static func run(_ arguments: [String], _ console: Console) throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, valued: ServerOptions.valued, switches: ["status"])
        let configuration = try ServerOptions.configuration(parsed)
        let logger = ServerOptions.logger(configuration)
        let database = try DatabaseFactory.open(configuration, logger: logger)
        defer { database.close() }
        let migrator = Migrator(migrations: Schema.migrations, logger: logger.child(label: "storage"))

        if parsed.switches.contains("status") {
            let applied = Set(try migrator.appliedVersions(in: database))
            for migration in migrator.migrations {
                let state = applied.contains(migration.version) ? "applied" : "pending"
                console.print("\(migration.version)\t\(state)\t\(migration.name)")
            }
            return ExitCode.success
        }
        let versions = try migrator.migrate(database)
        console.print(
            versions.isEmpty
                ? "schema is up to date" : "applied migrations " + versions.map(String.init).joined(separator: ", "))
        return ExitCode.success
    }
}
