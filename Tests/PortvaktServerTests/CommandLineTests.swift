import Accounts
import Audit
import Foundation
import PortvaktCLI
import PortvaktServer
import PortvaktTesting
import SQLiteStorage
import Storage
import Synchronization
import Testing

@Suite("The portvakt command")
struct CommandLineTests {
    /// Runs `portvakt` in-process and captures what it prints.
    private func run(_ arguments: String...) -> (code: Int32, out: String, err: String) {
        let out = Mutex("")
        let err = Mutex("")
        let console = Console(
            out: { text in out.withLock { $0 += text } }, err: { text in err.withLock { $0 += text } })
        let code = PortvaktCLI.run(["portvakt"] + arguments, console: console)
        return (code, out.withLock { $0 }, err.withLock { $0 })
    }

    @Test("an unknown command prints the usage and exits 64")
    func unknownCommand() {
        let result = run("frobnicate")
        #expect(result.code == 64)
        #expect(result.err.contains("unknown command 'frobnicate'"))
        #expect(result.err.contains("usage: portvakt <command>"))
    }

    @Test("no command prints the usage and exits 64")
    func noCommand() {
        let result = run()
        #expect(result.code == 64)
        #expect(result.err.contains("commands:"))
    }

    @Test(
        "a bad flag names the flag and prints the command's usage",
        arguments: ["serve", "migrate", "demo", "config", "purge"])
    func badFlag(command: String) {
        let result = run(command, "--colour", "blue")
        #expect(result.code == 64)
        #expect(result.err.contains("unknown option --colour"))
        #expect(result.err.contains("usage: portvakt \(command)"))
    }

    @Test("a flag without its value is refused")
    func missingValue() {
        let result = run("serve", "--port")
        #expect(result.code == 64)
        #expect(result.err.contains("--port needs a value"))
    }

    @Test("every command has --help", arguments: ["serve", "migrate", "demo", "token", "purge", "config", "version"])
    func help(command: String) {
        let result = run(command, "--help")
        #expect(result.code == 0)
        #expect(result.out.contains("usage: portvakt \(command)"))
        #expect(run("help", command).out == result.out)
    }

    @Test("version prints the version")
    func version() {
        let result = run("version")
        #expect(result.code == 0)
        #expect(result.out.hasPrefix("portvakt 0."))
    }

    @Test("a wrong setting stops with a message naming it and exit code 78")
    func badSetting() {
        let result = run("config", "--port", "http")
        #expect(result.code == 78)
        #expect(result.err.contains("setting http.port has the value \"http\""))
    }

    @Test("config prints effective settings")
    func config() {
        let result = run("config", "--port", "9999")
        #expect(result.code == 0)
        #expect(result.out.contains("http.port = 9999"))
        #expect(result.out.contains("storage.postgres_url = (unset)"))
    }

    @Test("migrate applies the schema once and reports its status")
    func migrate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portvakt-cli-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = run("migrate", "--data-dir", directory, "--log-level", "error")
        #expect(first.code == 0)
        #expect(first.out.hasPrefix("applied migrations 1"))
        let second = run("migrate", "--data-dir", directory, "--log-level", "error")
        #expect(second.out == "schema is up to date\n")
        let status = run("migrate", "--status", "--data-dir", directory, "--log-level", "error")
        #expect(status.out.contains("1\tapplied\torganisations"))
    }

    @Test("token create prints a bearer that the server accepts, and refuses a role that does not fit")
    func tokenCreate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portvakt-cli-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try SQLiteDatabase(path: directory + "/" + DatabaseFactory.sqliteFileName)
        try Migrator(migrations: Schema.migrations).migrate(database)
        try DemoData.seed(database)

        let created = run(
            "token", "create", "--organisation", "org-norr", "--role", "planner", "--name", "routes", "--days", "7",
            "--data-dir", directory, "--log-level", "error")
        #expect(created.code == 0)
        let bearer = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let principal = try TokenStore(database: database).authenticate(
            bearer: bearer, now: Int64(Date().timeIntervalSince1970 * 1000))
        #expect(principal.organisationID == "org-norr")
        #expect(principal.role == .planner)
        #expect(try AuditTrail().entries(in: database).last?.action == "api_token.create")
        database.close()

        let misfit = run(
            "token", "create", "--organisation", "org-norr", "--role", "central_administrator", "--name", "x",
            "--data-dir", directory, "--log-level", "error")
        #expect(misfit.code == 1)
        #expect(misfit.err.contains("does not belong to a provider organisation"))
        #expect(run("token", "create", "--organisation", "org-norr", "--role", "king", "--name", "x").code == 64)
    }

    @Test("purge removes old audit entries and ended tokens from a SQLite file, and the trail still verifies")
    func purge() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portvakt-cli-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try SQLiteDatabase(path: directory + "/" + DatabaseFactory.sqliteFileName)
        defer { database.close() }
        try Migrator(migrations: Schema.migrations).migrate(database)
        try DemoData.seed(database)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let day: Int64 = 24 * 3600 * 1000
        for (time, name) in [(now - 800 * day, "old"), (now - 790 * day, "old too"), (now, "new")] {
            _ = try BootstrapTokens.create(
                organisationID: "org-norr", role: .planner, name: name, days: 1, database: database, now: time,
                actor: "test")
        }

        let first = run("purge", "--data-dir", directory, "--log-level", "error")
        #expect(first.code == 0)
        #expect(first.out == "audit_entries\t2\napi_tokens\t2\nidempotency_records\t0\nevents\t0\n")
        let kept = try AuditTrail().entries(in: database)
        #expect(kept.map(\.sequence) == [3, 4])
        #expect(kept.last?.action == AuditTrail.purgeAction)
        #expect(kept.last?.actorID == "cli:" + ProcessInfo.processInfo.userName)
        #expect(try AuditTrail().verify(in: database) == nil)

        let again = run("purge", "--data-dir", directory, "--log-level", "error")
        #expect(again.out == "audit_entries\t0\napi_tokens\t0\nidempotency_records\t0\nevents\t0\n")
        #expect(try AuditTrail().entries(in: database).count == 2)
    }

    @Test("purge exits 1 and names the table it could not purge, and purges the others")
    func purgeRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portvakt-cli-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let database = try SQLiteDatabase(path: directory + "/" + DatabaseFactory.sqliteFileName)
        defer { database.close() }
        try Migrator(migrations: Schema.migrations).migrate(database)
        try DemoData.seed(database)
        let old = Int64(Date().timeIntervalSince1970 * 1000) - 800 * 24 * 3600 * 1000
        _ = try BootstrapTokens.create(
            organisationID: "org-norr", role: .planner, name: "old", days: 1, database: database, now: old,
            actor: "test")
        try database.write { connection in
            try AuditGuards.drop(in: connection)
            try connection.execute("UPDATE audit_entries SET actor_id = 'someone else'")
        }

        let result = run("purge", "--data-dir", directory, "--log-level", "critical")
        #expect(result.code == 1)
        #expect(result.err.contains("audit_entries not purged: the audit trail is broken at sequence 1"))
        #expect(result.out == "api_tokens\t1\nidempotency_records\t0\nevents\t0\n")
        #expect(try AuditTrail().entries(in: database).count == 1)
    }

    @Test("serve on a port that is taken fails with a message, not a crash")
    func portTaken() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portvakt-cli-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let blocker = try ProcessHarness.listeningSocket()
        defer { close(blocker.descriptor) }
        let result = run("serve", "--port", String(blocker.port), "--data-dir", directory, "--log-level", "error")
        #expect(result.code == 1)
        #expect(result.err.contains("cannot listen on 127.0.0.1:\(blocker.port)"))
    }
}
