import Accounts
import Observability
import PortvaktServer

/// `portvakt token create`: makes an API token from the command line, for the first
/// administrator of an installation and for integrations set up by operators.
enum TokenCommand: Command {
    static let name = "token"
    static let summary = "create an API token from the command line"
    static let usage = """
        usage: portvakt token create --organisation ID --role ROLE --name NAME [--days N] [options]

        Creates an API token for organisation ID in ROLE (central_administrator, central_operator,
        provider_administrator, planner or auditor) and prints the bearer credential once; only
        a hash of it is stored. The token expires after N days (default 1, at most 365). The
        creation is recorded in the audit trail with your operating-system user as the actor.

        options:
        \(ServerOptions.help)
        """

    static func run(_ arguments: [String], _ console: Console) throws -> Int32 {
        guard arguments.first == "create" else { throw UsageError("the only token action is 'create'") }
        let parsed = try CommandLineArguments(
            Array(arguments.dropFirst()), valued: ServerOptions.valued.union(["organisation", "role", "name", "days"]),
            switches: [])
        guard let organisation = parsed.values["organisation"] else { throw UsageError("--organisation is required") }
        guard let roleName = parsed.values["role"], let role = Role(rawValue: roleName) else {
            throw UsageError("--role must be one of " + Role.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let name = parsed.values["name"], !name.isEmpty else { throw UsageError("--name is required") }
        guard let days = Int(parsed.values["days"] ?? "1"), (1...365).contains(days) else {
            throw UsageError("--days must be a whole number from 1 to 365")
        }

        let configuration = try ServerOptions.configuration(parsed)
        let logger = ServerOptions.logger(configuration)
        let database = try DatabaseFactory.open(configuration, logger: logger)
        defer { database.close() }
        try PortvaktApp.prepare(database, configuration: configuration, logger: logger)
        let issued = try BootstrapTokens.create(
            organisationID: organisation, role: role, name: name, days: days, database: database,
            now: WallTime.now().millisecondsSinceEpoch)
        console.print(issued.bearer)
        return ExitCode.success
    }
}
