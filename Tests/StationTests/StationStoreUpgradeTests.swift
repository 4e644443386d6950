import Foundation
import SQLiteStorage
import Storage
import Testing

@testable import Station

/// A station installed before report retries existed keeps its queue when it is upgraded.
@Suite("Station store upgrade")
struct StationStoreUpgradeTests {
    /// Writes a station database at schema version 1 holding two queued reports.
    private func makeVersionOneStore(in directory: String) throws {
        let path = (directory as NSString).appendingPathComponent(StationStore.fileName)
        let database = try SQLiteDatabase(path: path, readerCount: 1)
        defer { database.close() }
        try Migrator(migrations: [StationMigrations.all[0]]).migrate(database)
        try database.write { connection in
            for (index, serial) in ["K-OLD-1", "K-OLD-2"].enumerated() {
                try connection.execute(
                    """
                    INSERT INTO report_queue (queued_at, key_serial, key_public_key, hello, report, entry_count)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """,
                    [
                        .integer(5_000 + Int64(index)), .text(serial), .blob([UInt8](repeating: 7, count: 32)),
                        .blob([1, 2, 3]), .blob(Array(serial.utf8)), .integer(4),
                    ])
            }
        }
    }

    @Test("reports queued by a version 1 station are due at once after the upgrade, and the retry columns work")
    func queueSurvivesUpgrade() throws {
        let directory = try TemporaryDirectory()
        try makeVersionOneStore(in: directory.path)

        let store = try StationStore(directory: directory.path)
        defer { store.close() }
        let due = try store.dueReports(now: 0, limit: 10)
        #expect(due.map(\.keySerial) == ["K-OLD-1", "K-OLD-2"])
        #expect(due.map(\.report) == [Array("K-OLD-1".utf8), Array("K-OLD-2".utf8)])
        #expect(due.allSatisfy { $0.attempts == 0 && $0.rejectedAt == nil && $0.lastError == nil })
        #expect(due.first?.entryCount == 4)
        #expect(due.first?.queuedAt == 5_000)

        let status = try store.queueStatus()
        #expect(status.depth == 2)
        #expect(status.rejected == 0)
        #expect(status.oldestQueuedAt == 5_000)

        // The new columns take writes: a failed attempt backs the report off.
        let first = try #require(due.first)
        let retry = try store.deferReport(first.id, reason: "server unreachable", now: 10_000, backoff: ReportBackoff())
        #expect(retry?.attempts == 1)
        #expect(try store.dueReports(now: 10_000, limit: 10).map(\.keySerial) == ["K-OLD-2"])
        #expect(try store.queueStatus().backingOff == 1)
        #expect(try store.rejectReport(due[1].id, reason: "refused", now: 10_001))
        #expect(try store.queueStatus().rejected == 1)
    }
}
