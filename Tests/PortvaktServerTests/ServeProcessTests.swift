import Audit
import Foundation
import PortvaktServer
import PortvaktTesting
import SQLiteStorage
import Storage
import Testing

@Suite("portvakt serve as a process")
struct ServeProcessTests {
    @Test("SIGTERM stops the server cleanly after it has served")
    func sigterm() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portvakt-serve-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = try ProcessHarness.launch(["serve", "--port", "0", "--data-dir", directory])
        defer { if process.process.isRunning { process.process.terminate() } }

        let port = try process.waitForListeningPort()
        #expect(try TestHTTPClient.request(port: port, "GET", "/readyz").status == 200)

        kill(process.process.processIdentifier, SIGTERM)
        process.process.waitUntilExit()
        #expect(process.process.terminationStatus == 0)
        let log = process.standardError()
        #expect(log.contains(#""msg":"shutdown requested""#))
        #expect(log.contains(#""msg":"http server stopped""#))
    }

    @Test("serve purges at start, shows it in the metrics, and stops the purge timer on SIGTERM")
    func purgesInBackground() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portvakt-serve-\(UUID())").path
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

        let process = try ProcessHarness.launch(["serve", "--port", "0", "--data-dir", directory])
        defer { if process.process.isRunning { process.process.terminate() } }
        let port = try process.waitForListeningPort()
        let deadline = Date().addingTimeInterval(20)
        while !process.standardError().contains(#""msg":"retention purge finished""#) && Date() < deadline {
            usleep(50_000)
        }
        let metrics = try TestHTTPClient.request(port: port, "GET", "/metrics").text
        #expect(metrics.contains(#"portvakt_retention_rows_purged_total{table="audit_entries"} 1"#))
        #expect(metrics.contains(#"portvakt_retention_rows_purged_total{table="api_tokens"} 1"#))
        #expect(!metrics.contains("portvakt_retention_last_success_timestamp_seconds 0\n"))

        kill(process.process.processIdentifier, SIGTERM)
        process.process.waitUntilExit()
        #expect(process.process.terminationStatus == 0)
        let log = process.standardError()
        #expect(log.contains(#""retention.table":"audit_entries","retention.rows":1"#))
        #expect(log.contains(#""msg":"retention purge stopped""#))
        let kept = try AuditTrail().entries(in: database)
        #expect(kept.map(\.action) == [AuditTrail.purgeAction])
        #expect(kept.first?.actorID == "system:retention")
        #expect(try AuditTrail().verify(in: database) == nil)
    }
}
