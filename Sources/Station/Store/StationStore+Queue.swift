import Storage

/// How many reports the queue may hold (docs/station.md §7).
public struct QueueLimits: Equatable, Sendable {
    /// The most reports held; beyond this docks stop queueing and keys keep their entries.
    public var maxReports: Int
    /// The fill fraction at which the station warns.
    public var warningFraction: Double

    /// 100,000 reports (about 200 MB of typical reports), warning at 80 %.
    public init(maxReports: Int = 100_000, warningFraction: Double = 0.8) {
        precondition(maxReports > 0, "the queue must hold at least one report")
        self.maxReports = maxReports
        self.warningFraction = warningFraction
    }

    /// The depth at which the station warns.
    public var warningDepth: Int { Int((Double(maxReports) * warningFraction).rounded(.up)) }
}

/// One key report waiting to reach the server.
public struct QueuedReport: Equatable, Sendable {
    /// The queue's identifier; ascending in the order reports were queued.
    public var id: Int64
    /// When it was queued, Unix milliseconds.
    public var queuedAt: Int64
    /// The reporting key's serial.
    public var keySerial: String
    /// The reporting key's public key.
    public var keyPublicKey: [UInt8]
    /// The SyncHello the report answers.
    public var hello: [UInt8]
    /// The signed SyncReport.
    public var report: [UInt8]
    /// Entries the report carries.
    public var entryCount: Int
    /// Failed attempts to deliver it.
    public var attempts: Int = 0
    /// Not tried again before this time, Unix milliseconds; 0 when due at once.
    public var nextAttemptAt: Int64 = 0
    /// Why the last attempt failed, or why the server rejected it.
    public var lastError: String?
    /// When the server rejected it for good, Unix milliseconds; such a report waits for an
    /// operator (`portvakt station retry-rejected` or `discard-rejected`).
    public var rejectedAt: Int64?
}

/// The queue's fill level.
public struct QueueStatus: Equatable, Sendable {
    /// Reports waiting, rejected ones included.
    public var depth: Int
    /// Reports the server rejected, waiting for an operator.
    public var rejected: Int = 0
    /// Reports waiting out a backoff after a failed attempt.
    public var backingOff: Int = 0
    /// When the oldest waiting report was queued, Unix milliseconds.
    public var oldestQueuedAt: Int64?
    /// The limits in force.
    public var limits: QueueLimits

    /// At or past the warning level.
    public var isNearlyFull: Bool { depth >= limits.warningDepth }
    /// At the limit: new reports are not taken.
    public var isFull: Bool { depth >= limits.maxReports }
}

extension StationStore {
    /// Queues a report durably: when this returns, the report is on disk.
    ///
    /// - Returns: the new entry's identifier, or `nil` when the queue is full and took nothing.
    public func enqueue(
        keySerial: String, keyPublicKey: [UInt8], hello: [UInt8], report: [UInt8], entryCount: Int, now: Int64
    ) throws -> Int64? {
        try database.write { connection in
            let inserted = try connection.execute(
                """
                INSERT INTO report_queue (queued_at, key_serial, key_public_key, hello, report, entry_count)
                SELECT $1, $2, $3, $4, $5, $6
                WHERE (SELECT COUNT(*) FROM report_queue) < $7
                RETURNING id
                """,
                [
                    .integer(now), .text(keySerial), .blob(keyPublicKey), .blob(hello), .blob(report),
                    .integer(Int64(entryCount)), .integer(Int64(queueLimits.maxReports)),
                ])
            return try inserted.first?.integer("id")
        }
    }

    /// The oldest reports in the queue, at most `limit`, oldest first, whatever their state.
    public func oldestReports(limit: Int) throws -> [QueuedReport] {
        try reports(where: "TRUE", [], limit: limit)
    }

    /// The oldest reports due for delivery at `now`, at most `limit`: neither rejected nor
    /// waiting out a backoff.
    public func dueReports(now: Int64, limit: Int) throws -> [QueuedReport] {
        try reports(where: "rejected_at IS NULL AND next_attempt_at <= $2", [.integer(now)], limit: limit)
    }

    /// The reports the server rejected, oldest first, at most `limit`.
    public func rejectedReports(limit: Int = 1_000) throws -> [QueuedReport] {
        try reports(where: "rejected_at IS NOT NULL", [], limit: limit)
    }

    /// Reads queued reports matching `condition`, whose parameters start at `$2`, oldest first.
    func reports(where condition: String, _ parameters: [SQLValue], limit: Int) throws -> [QueuedReport] {
        try database.read { connection in
            try connection.execute(
                """
                SELECT id, queued_at, key_serial, key_public_key, hello, report, entry_count,
                    attempts, next_attempt_at, last_error, rejected_at
                FROM report_queue WHERE \(condition) ORDER BY id LIMIT $1
                """, [.integer(Int64(limit))] + parameters
            ).map { row in
                QueuedReport(
                    id: try row.integer("id"), queuedAt: try row.integer("queued_at"),
                    keySerial: try row.text("key_serial"), keyPublicKey: try row.blob("key_public_key"),
                    hello: try row.blob("hello"), report: try row.blob("report"),
                    entryCount: Int(try row.integer("entry_count")), attempts: Int(try row.integer("attempts")),
                    nextAttemptAt: try row.integer("next_attempt_at"), lastError: try row.optionalText("last_error"),
                    rejectedAt: try row.optionalInteger("rejected_at"))
            }
        }
    }

    /// Removes a delivered report.
    public func removeReport(_ id: Int64) throws {
        try database.write { connection in
            try connection.execute("DELETE FROM report_queue WHERE id = $1", [.integer(id)])
        }
    }

    /// How full the queue is.
    public func queueStatus() throws -> QueueStatus {
        try database.read { connection in
            let row = try connection.first(
                """
                SELECT COUNT(*) AS depth, MIN(queued_at) AS oldest,
                    COUNT(rejected_at) AS rejected,
                    COALESCE(SUM(CASE WHEN rejected_at IS NULL AND attempts > 0 THEN 1 ELSE 0 END), 0) AS backing_off
                FROM report_queue
                """)
            return QueueStatus(
                depth: Int(try row?.integer("depth") ?? 0), rejected: Int(try row?.integer("rejected") ?? 0),
                backingOff: Int(try row?.integer("backing_off") ?? 0),
                oldestQueuedAt: try row?.optionalInteger("oldest"),
                limits: queueLimits)
        }
    }
}
