import Storage

extension StationStore {
    /// Records a failed delivery of a queued report and when to try it again.
    ///
    /// - Returns: the report's failed attempts so far and its next attempt's time, Unix
    ///   milliseconds; `nil` when the report is no longer queued.
    @discardableResult
    public func deferReport(
        _ id: Int64, reason: String, now: Int64, backoff: ReportBackoff
    ) throws -> (attempts: Int, nextAttemptAt: Int64)? {
        try database.write { connection in
            guard
                let row = try connection.first(
                    "SELECT attempts FROM report_queue WHERE id = $1 AND rejected_at IS NULL", [.integer(id)])
            else { return nil }
            let attempts = Int(try row.integer("attempts")) + 1
            let next = now + backoff.delayMilliseconds(afterAttempts: attempts)
            try connection.execute(
                "UPDATE report_queue SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1",
                [.integer(id), .integer(Int64(attempts)), .integer(next), .text(reason)])
            return (attempts, next)
        }
    }

    /// Marks a queued report as rejected by the server for good: it stays in the queue, is not
    /// sent again on its own, and is shown to the operator with `reason`.
    ///
    /// - Returns: whether the report was still queued.
    @discardableResult
    public func rejectReport(_ id: Int64, reason: String, now: Int64) throws -> Bool {
        try database.write { connection in
            try !connection.execute(
                """
                UPDATE report_queue SET attempts = attempts + 1, rejected_at = $2, last_error = $3
                WHERE id = $1 RETURNING id
                """, [.integer(id), .integer(now), .text(reason)]
            ).isEmpty
        }
    }

    /// Puts rejected reports back in line to be sent at the next forwarding pass, with their
    /// attempts counted afresh: every rejected report, or only the one numbered `id`.
    ///
    /// - Returns: how many reports were put back.
    public func retryRejected(id: Int64? = nil) throws -> Int {
        try database.write { connection in
            try connection.execute(
                """
                UPDATE report_queue SET rejected_at = NULL, attempts = 0, next_attempt_at = 0
                WHERE rejected_at IS NOT NULL AND ($1 IS NULL OR id = $1) RETURNING id
                """, [id.map { .integer($0) } ?? .null]
            ).count
        }
    }

    /// Deletes one rejected report, on an operator's decision: its entries reach the server only
    /// if its key still holds them.
    ///
    /// - Returns: the deleted report, or `nil` when no rejected report has that number.
    public func discardRejected(id: Int64) throws -> QueuedReport? {
        guard let found = try reports(where: "rejected_at IS NOT NULL AND id = $2", [.integer(id)], limit: 1).first
        else { return nil }
        let deleted = try database.write { connection in
            try connection.execute(
                "DELETE FROM report_queue WHERE id = $1 AND rejected_at IS NOT NULL RETURNING id", [.integer(id)]
            ).count
        }
        return deleted == 1 ? found : nil
    }
}
