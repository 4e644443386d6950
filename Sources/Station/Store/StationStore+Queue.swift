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
}

/// The queue's fill level.
public struct QueueStatus: Equatable, Sendable {
    /// Reports waiting.
    public var depth: Int
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

    /// The oldest waiting reports, at most `limit`, oldest first.
    public func oldestReports(limit: Int) throws -> [QueuedReport] {
        try database.read { connection in
            try connection.execute(
                """
                SELECT id, queued_at, key_serial, key_public_key, hello, report, entry_count
                FROM report_queue ORDER BY id LIMIT $1
                """, [.integer(Int64(limit))]
            ).map { row in
                QueuedReport(
                    id: try row.integer("id"), queuedAt: try row.integer("queued_at"),
                    keySerial: try row.text("key_serial"), keyPublicKey: try row.blob("key_public_key"),
                    hello: try row.blob("hello"), report: try row.blob("report"),
                    entryCount: Int(try row.integer("entry_count")))
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
            let row = try connection.first("SELECT COUNT(*) AS depth, MIN(queued_at) AS oldest FROM report_queue")
            return QueueStatus(
                depth: Int(try row?.integer("depth") ?? 0), oldestQueuedAt: try row?.optionalInteger("oldest"),
                limits: queueLimits)
        }
    }
}
