import PortvaktProtocol
import Storage

/// Where the sync operation hands a verified report: the seam between the station API and
/// event storage. The sync stores through it inside its own transaction and acknowledges only
/// after that transaction commits.
protocol ReportIngesting: Sendable {
    /// Stores `report`'s entries for the server's key `key` (`keys.id`), whose enrolled public
    /// key is `publicKey`, idempotently per `(key, sequence)`.
    /// - Parameter report: already verified against `publicKey` and the session's hello.
    func ingest(report: SyncReport, key: Int64, publicKey: [UInt8], in connection: any SQLConnection) throws
        -> ReportIngestion
}

/// What one ingestion stored.
struct ReportIngestion: Equatable, Sendable {
    /// The highest sequence of the report, every entry up to which is now stored (by this call
    /// or an earlier one); `nil` for a report without entries.
    var acknowledgeThrough: UInt32?
    /// Entries stored for the first time.
    var stored = 0
    /// Entries stored by an earlier call.
    var known = 0
}

/// The simplest durable ingestion: each entry kept sealed, as the key carried it, once per
/// `(key, sequence)`. Nothing is opened or checked here; decoding events and checking lock
/// chains belongs to the event log, which can read these rows or replace this store.
struct SealedEntryStore: ReportIngesting {
    let now: @Sendable () -> Int64

    func ingest(report: SyncReport, key: Int64, publicKey: [UInt8], in connection: any SQLConnection) throws
        -> ReportIngestion
    {
        var result = ReportIngestion(acknowledgeThrough: report.entries.map(\.sequence).max())
        let time = now()
        for entry in report.entries {
            let inserted = try connection.execute(
                """
                INSERT INTO station_report_entries (key_id, sequence, kind, sealed, received_at)
                VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING key_id
                """,
                [
                    .integer(key), .integer(Int64(entry.sequence)),
                    .text(entry.kind == .ownEvent ? "key_event" : "lock_batch"), .blob(entry.sealed), .integer(time),
                ])
            if inserted.isEmpty { result.known += 1 } else { result.stored += 1 }
        }
        return result
    }
}
