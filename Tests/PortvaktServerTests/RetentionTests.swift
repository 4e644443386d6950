import Accounts
import Audit
import Configuration
import Foundation
import Observability
import PortvaktServer
import PortvaktTesting
import Storage
import Synchronization
import Testing

@Suite("Retention and purging")
struct RetentionTests {
    private let day: Int64 = 24 * 3600 * 1000
    private let policy = RetentionPolicy(
        audit: .seconds(730 * 24 * 3600), events: .seconds(365 * 24 * 3600), idempotency: .seconds(24 * 3600),
        purgeInterval: .seconds(3600))

    private func get(_ harness: AppHarness, _ path: String, bearer: String) throws -> TestHTTPResponse {
        try TestHTTPClient.request(port: harness.port, "GET", path, headers: [("Authorization", "Bearer \(bearer)")])
    }

    private func token(
        _ database: any Database, _ organisation: String, _ role: Role, at time: Int64, days: Int = 1
    ) throws -> IssuedToken {
        try BootstrapTokens.create(
            organisationID: organisation, role: role, name: "\(role.rawValue) \(time)", days: days,
            database: database, now: time, actor: "test")
    }

    private func count(_ table: String, _ database: any Database) throws -> Int64 {
        try database.read { try $0.first("SELECT COUNT(*) AS n FROM \(table)")?.integer("n") ?? -1 }
    }

    @Test(
        "the standard purge empties every table of what is past retention, and the trail verifies over HTTP",
        arguments: TestBackend.all)
    func standardPurge(backend: TestBackend) throws {
        try backend.withDatabase { test in
            let harness = try AppHarness.start(test.database)
            defer { harness.server.shutdown() }
            try DemoData.seed(test.database)
            let now = Int64(Date().timeIntervalSince1970 * 1000)

            // Two tokens that ended 799 days ago (one expired, one revoked), each creation audited.
            _ = try token(test.database, "org-norr", .planner, at: now - 800 * day)
            let revoked = try token(test.database, "org-norr", .auditor, at: now - 800 * day, days: 365)
            try TokenStore(database: test.database).revoke(
                id: revoked.token.id, organisationID: nil, now: now - 799 * day)
            let lately = try token(test.database, "org-norr", .planner, at: now - 100 * day)
            let central = try token(test.database, "org-central", .centralAdministrator, at: now)
            let provider = try token(test.database, "org-norr", .providerAdministrator, at: now)
            try test.database.write { connection in
                for (key, age) in [("stale", 25 * 3600 * 1000), ("fresh", 3600 * 1000)] {
                    try connection.execute(
                        """
                        INSERT INTO idempotency_records (principal_id, idempotency_key, fingerprint, status,
                            response_headers, response_body, created_at) VALUES ('p', $1, 'f', 201, '', '{}', $2)
                        """, [.text(key), .integer(now - Int64(age))])
                }
            }

            let purger = RetentionPurger.standard(
                database: test.database, policy: policy, actor: "system:retention", logger: .disabled)
            let report = purger.run(now: now)
            #expect(report.failures == 0)
            let removed = report.outcomes.map { ($0.table, (try? $0.result.get()) ?? -1) }
            #expect(removed.map(\.0) == ["audit_entries", "api_tokens", "idempotency_records", "events"])
            #expect(removed.map(\.1) == [2, 2, 1, 0])
            let kept = try TokenStore(database: test.database).list(organisationID: "org-norr").map(\.id)
            #expect(Set(kept) == [lately.token.id, provider.token.id])
            #expect(try count("idempotency_records", test.database) == 1)

            let verification = try get(harness, "/api/v1/audit/verification", bearer: central.bearer)
            #expect(verification.status == 200)
            #expect(verification.json?["intact"] as? Bool == true)
            #expect(verification.json?["purgedThrough"] as? Int == 2)
            let trail = try get(harness, "/api/v1/audit", bearer: central.bearer)
            let items = trail.json?["items"] as? [[String: Any]] ?? []
            #expect(items.first?["sequence"] as? Int == 3)
            #expect(items.last?["action"] as? String == AuditTrail.purgeAction)
            #expect(items.last?["actorID"] as? String == "system:retention")
            let own = try get(harness, "/api/v1/audit", bearer: provider.bearer)
            let ownActions = (own.json?["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
            #expect(ownActions?.isEmpty == false)
            #expect(ownActions?.contains(AuditTrail.purgeAction) == false)

            // An entry the purge kept, changed behind the database's back, is reported.
            try test.database.write { connection in
                try AuditGuards.drop(in: connection)
                try connection.execute("UPDATE audit_entries SET actor_id = 'someone' WHERE sequence = 4")
            }
            let tampered = try get(harness, "/api/v1/audit/verification", bearer: central.bearer)
            #expect(tampered.json?["intact"] as? Bool == false)
            #expect(tampered.json?["firstBrokenSequence"] as? Int == 4)
        }
    }

    @Test("a step that fails is logged and reported, and the steps after it still run")
    func failingStep() throws {
        struct Refused: Error, CustomStringConvertible {
            var description: String { "the table is locked" }
        }
        let sink = MemoryLogSink()
        let ran = Mutex<[String]>([])
        let purger = RetentionPurger(
            steps: [
                PurgeStep("first") { _ in throw Refused() },
                PurgeStep("second") { _ in
                    ran.withLock { $0.append("second") }
                    return 7
                },
            ], logger: Logger(label: "retention", level: .info, sink: sink))
        let report = purger.run(now: 0)
        #expect(ran.withLock { $0 } == ["second"])
        #expect(report.failures == 1)
        #expect(report.removed == 7)
        let lines = sink.lines
        #expect(lines.contains { $0.contains(#""retention.table":"first""#) && $0.contains("the table is locked") })
        #expect(lines.contains { $0.contains(#""retention.table":"second""#) && $0.contains(#""retention.rows":7"#) })
        #expect(
            lines.contains {
                $0.contains(#""msg":"retention purge finished""#) && $0.contains(#""retention.failed":1"#)
            })
    }

    @Test("the schedule purges at once and then on its interval, counts rows in the metrics, and stops")
    func schedule() throws {
        let metrics = MetricsRegistry()
        let schedule = RetentionSchedule(
            purger: RetentionPurger(steps: [PurgeStep("things") { _ in 3 }], logger: .disabled),
            interval: .milliseconds(50), metrics: metrics, logger: .disabled, now: { 1_800_000_000_000 })
        #expect(metrics.render().contains("portvakt_retention_last_run_timestamp_seconds 0\n"))
        schedule.start()
        let deadline = Date().addingTimeInterval(10)
        while schedule.runs < 3 && Date() < deadline { usleep(10_000) }
        schedule.stop()
        let runs = schedule.runs
        #expect(runs >= 3)
        let rendered = metrics.render()
        #expect(rendered.contains(#"portvakt_retention_rows_purged_total{table="things"} \#(3 * runs)"#))
        #expect(rendered.contains("portvakt_retention_last_run_timestamp_seconds 1800000000\n"))
        #expect(rendered.contains("portvakt_retention_last_success_timestamp_seconds 1800000000\n"))
        usleep(200_000)
        #expect(schedule.runs == runs)
    }

    @Test("stopping waits for a purge in progress")
    func stopWaits() throws {
        let started = DispatchSemaphore(value: 0)
        let finished = Mutex(false)
        let schedule = RetentionSchedule(
            purger: RetentionPurger(
                steps: [
                    PurgeStep("slow") { _ in
                        started.signal()
                        usleep(300_000)
                        finished.withLock { $0 = true }
                        return 0
                    }
                ], logger: .disabled),
            interval: .seconds(3600), metrics: MetricsRegistry(), logger: .disabled)
        schedule.start()
        #expect(started.wait(timeout: .now() + 10) == .success)
        schedule.stop()
        let done = finished.withLock { $0 }
        #expect(done)
    }

    @Test("the retention settings have defaults, become a policy, and refuse values out of range")
    func settings() throws {
        let defaults = RetentionPolicy(try Configuration(settings: ServerSettings.all, environment: [:]))
        #expect(defaults == policy)
        let off = RetentionPolicy(
            try Configuration(
                settings: ServerSettings.all, environment: ["PORTVAKT_RETENTION_PURGE_INTERVAL_MINUTES": "0"]))
        #expect(off.purgeInterval == nil)
        for (key, value) in [
            ("retention.audit_days", "7"), ("retention.events_days", "0"), ("retention.idempotency_hours", "48"),
            ("retention.purge_interval_minutes", "-1"),
        ] {
            #expect(throws: ConfigurationError.self, "\(key) = \(value)") {
                try Configuration(settings: ServerSettings.all, environment: [:], overrides: [key: value])
            }
        }
    }
}
