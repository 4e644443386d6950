import Accounts
import Audit
import Foundation
import PortvaktCLI
import PortvaktServer
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
        "a bad flag names the flag and prints the command's usage", arguments: ["serve", "migrate", "demo", "config"])
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

    @Test("every command has --help", arguments: ["serve", "migrate", "demo", "token", "config", "version"])
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
