import Foundation
import Observability
import PortvaktServer

/// `portvakt purge`: removes, once, what the retention settings no longer keep.
enum PurgeCommand: Command {
    static let name = "purge"
    static let summary = "remove data past its retention period now"
    static let usage = """
        usage: portvakt purge [options]

        Removes what the retention settings no longer keep, as 'serve' does every
        retention.purge_interval_minutes: audit entries older than retention.audit_days (through a
        checkpoint, so the trail still verifies; the purge is recorded in the trail with your
        operating-system user as the actor), API tokens that expired or were revoked more than
        retention.audit_days ago, and idempotency records older than retention.idempotency_hours.
        Prints each table with the rows removed. Safe to run while servers run, also on several
        machines at once. Exits 1 when a table could not be purged; the others are purged anyway.

        options:
        \(ServerOptions.help)
        """

    static func run(_ arguments: [String], _ console: Console) throws -> Int32 {
        let parsed = try CommandLineArguments(arguments, valued: ServerOptions.valued, switches: [])
        let configuration = try ServerOptions.configuration(parsed)
        let logger = ServerOptions.logger(configuration)
        let database = try DatabaseFactory.open(configuration, logger: logger)
        defer { database.close() }
        try PortvaktApp.prepare(database, configuration: configuration, logger: logger)

        let purger = RetentionPurger.standard(
            database: database, policy: configuration.retention,
            actor: "cli:" + ProcessInfo.processInfo.userName, logger: logger.child(label: "retention"))
        let report = purger.run(now: WallTime.now().millisecondsSinceEpoch)
        for outcome in report.outcomes {
            switch outcome.result {
            case .success(let count): console.print("\(outcome.table)\t\(count)")
            case .failure(let error): console.error("portvakt purge: \(outcome.table) not purged: \(error)")
            }
        }
        return report.failures == 0 ? ExitCode.success : ExitCode.failure
    }
}
