import Storage

// A run is a stretch of stored counters with none missing. Above the confirmed head every run
// starts with the event that keeps an open link: the events after it linked to it when stored.
extension IngestRun {
    /// Removes the unconfirmed run holding `counter`, which a batch linked to the confirmed chain
    /// contradicts, and records each batch that stored events in it as a `forgery` finding with
    /// its sealed bytes.
    ///
    /// Counters of the run above `overtakenAfter` are missing again; when stored events follow
    /// them they become a `gap`.
    mutating func evictRun(
        containing counter: Int64, below head: Int64, _ reason: EventFinding.Reason, lock: String,
        overtakenAfter last: Int64
    ) throws {
        guard let end = try runEnd(lock: lock, from: counter) else { return }
        let start =
            try connection.first(
                """
                SELECT MAX(counter) AS start FROM lock_events
                WHERE lock_id = $1 AND counter > $2 AND counter <= $3 AND open_link IS NOT NULL
                """, [.text(lock), .integer(head), .integer(counter)]
            )?.optionalInteger("start") ?? counter
        let rows = try connection.execute(
            """
            SELECT counter, carried_by, pending_sequence, pending_batch FROM lock_events
            WHERE lock_id = $1 AND counter BETWEEN $2 AND $3 AND (counter = $2 OR pending_batch IS NOT NULL)
            ORDER BY counter
            """, [.text(lock), .integer(start), .integer(end)])
        var batches: [(from: Int64, row: SQLRow)] = []
        for row in rows {
            let at = try row.integer("counter")
            if let first = batches.last, batches.count == 1, first.row["pending_batch"] == .null {
                // The run's first event kept no evidence; the first batch that did covers it too.
                batches[0] = (first.from, row)
            } else {
                batches.append((at, row))
            }
        }
        for (index, batch) in batches.enumerated() {
            let through = index + 1 < batches.count ? batches[index + 1].from - 1 : end
            let row = batch.row
            try record(
                NewFinding(
                    kind: .forgery, reason: reason, lockID: lock, keyID: try row.integer("carried_by"),
                    sequence: try row.optionalInteger("pending_sequence"), counters: batch.from...through,
                    evidence: row["pending_batch"] == .null ? nil : try row.blob("pending_batch")))
        }
        try connection.execute(
            "DELETE FROM lock_events WHERE lock_id = $1 AND counter BETWEEN $2 AND $3",
            [.text(lock), .integer(start), .integer(end)])

        let reopened = max(start, last + 1)
        if end >= reopened, try highestStored(lock: lock, below: Int64.max) ?? 0 > end {
            try record(NewFinding(kind: .gap, reason: .missing, lockID: lock, keyID: key, counters: reopened...end))
        }
    }

    /// The confirmed head once the run through `last` is linked to the chain: the end of that run.
    func confirmedHead(lock: String, from last: Int64) throws -> ChainHead {
        let end = try runEnd(lock: lock, from: last) ?? last
        let row = try connection.first(
            "SELECT chain_hash FROM lock_events WHERE lock_id = $1 AND counter = $2", [.text(lock), .integer(end)])
        return ChainHead(counter: end, hash: try row?.blob("chain_hash"))
    }

    /// The highest counter stored for `lock` below `counter`.
    func highestStored(lock: String, below counter: Int64) throws -> Int64? {
        try connection.first(
            "SELECT MAX(counter) AS high FROM lock_events WHERE lock_id = $1 AND counter < $2",
            [.text(lock), .integer(counter)]
        )?.optionalInteger("high")
    }

    /// Whether an open gap finding already covers `counter`.
    func gapOpen(lock: String, at counter: Int64) throws -> Bool {
        try connection.first(
            """
            SELECT id FROM event_findings
            WHERE kind = 'gap' AND resolved_at IS NULL AND lock_id = $1 AND first_counter <= $2 AND last_counter >= $2
            """, [.text(lock), .integer(counter)]) != nil
    }

    /// The last counter of the run holding `counter`; `nil` when `counter` is not stored.
    private func runEnd(lock: String, from counter: Int64) throws -> Int64? {
        try connection.first(
            """
            SELECT MIN(e.counter) AS last FROM lock_events e
            WHERE e.lock_id = $1 AND e.counter >= $2
              AND NOT EXISTS (SELECT 1 FROM lock_events n WHERE n.lock_id = e.lock_id AND n.counter = e.counter + 1)
              AND EXISTS (SELECT 1 FROM lock_events s WHERE s.lock_id = e.lock_id AND s.counter = $2)
            """, [.text(lock), .integer(counter)]
        )?.optionalInteger("last")
    }
}
