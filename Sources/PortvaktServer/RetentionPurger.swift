import Accounts
import Audit
import Dispatch
import EventLog
import Observability
import Storage

/// Removes what the retention policy no longer keeps, one table (`PurgeStep`) after another.
///
/// A step that fails is logged and reported, and the others still run; the next purge tries it
/// again. `portvakt serve` runs the purger on a timer (`RetentionSchedule`), and `portvakt purge`
/// runs it once.
public struct RetentionPurger: Sendable {
    /// The steps, in the order they run.
    public let steps: [PurgeStep]
    private let logger: Logger

    /// Creates a purger over `steps`.
    public init(steps: [PurgeStep], logger: Logger) {
        self.steps = steps
        self.logger = logger
    }

    /// The steps for Portvakt's tables under `policy`.
    ///
    /// A table with a retention period of its own adds one step to this list, as the events
    /// (kept for `retention.events_days`) do.
    ///
    /// - Parameter actor: who the audit trail names as purging, such as `system:retention`.
    public static func standard(
        database: any Database, policy: RetentionPolicy, actor: String, logger: Logger
    ) -> RetentionPurger {
        let cutoff = RetentionPolicy.cutoff
        return RetentionPurger(
            steps: [
                PurgeStep("audit_entries") { now in
                    try AuditTrail().purge(before: cutoff(policy.audit, now), actor: actor, now: now, in: database)
                },
                PurgeStep("api_tokens") { now in
                    try TokenStore(database: database).purge(endedBefore: cutoff(policy.audit, now))
                },
                PurgeStep("idempotency_records") { now in
                    try Idempotency.purge(before: cutoff(policy.idempotency, now), in: database)
                },
                PurgeStep("events") { now in
                    try database.write { try EventRetention().purge(olderThan: cutoff(policy.events, now), in: $0) }
                        .total
                },
            ], logger: logger)
    }

    /// Runs every step and reports how many rows each removed, or why it failed.
    public func run(now: Int64) -> PurgeReport {
        var outcomes: [PurgeReport.Outcome] = []
        for step in steps {
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let removed = try step.purge(now)
                let elapsed = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
                logger.info(
                    "retention purge step finished",
                    [
                        "retention.table": .string(step.table), "retention.rows": .int(removed),
                        "retention.duration_ms": .int(elapsed),
                    ])
                outcomes.append(.init(table: step.table, result: .success(removed)))
            } catch {
                logger.error(
                    "retention purge step failed",
                    ["retention.table": .string(step.table), "error.message": .string("\(error)")])
                outcomes.append(.init(table: step.table, result: .failure(error)))
            }
        }
        let report = PurgeReport(outcomes: outcomes)
        logger.info(
            "retention purge finished",
            ["retention.rows": .int(report.removed), "retention.failed": .int(report.failures)])
        return report
    }
}

/// What one purge did.
public struct PurgeReport: Sendable {
    /// One step's result: rows removed, or the error that stopped it.
    public struct Outcome: Sendable {
        /// The step's table.
        public let table: String
        /// Rows removed, or why the step failed.
        public let result: Result<Int, any Error>
    }

    /// The steps' results, in the order they ran.
    public let outcomes: [Outcome]

    /// Rows removed over all steps.
    public var removed: Int { outcomes.reduce(0) { $0 + ((try? $1.result.get()) ?? 0) } }
    /// How many steps failed.
    public var failures: Int { outcomes.filter { (try? $0.result.get()) == nil }.count }
}
