import PortvaktProtocol
import Storage

extension IngestRun {
    /// Checks and stores one lock's batches, oldest first.
    ///
    /// The first statement locks the lock's chain row until the transaction ends, so a
    /// concurrent ingestion for the same lock waits and then sees these events. Locks are taken
    /// in identity order, so two reports naming the same locks cannot deadlock.
    mutating func storeBatches(_ batches: [OpenedBatch], of lockID: LockID) throws {
        let lock = LockIdentity.text(lockID)
        let chain = try connection.first(
            """
            INSERT INTO lock_event_chains (lock_id, high_counter) VALUES ($1, 0)
            ON CONFLICT (lock_id) DO UPDATE SET high_counter = lock_event_chains.high_counter
            RETURNING high_counter
            """, [.text(lock)])
        var high = try chain?.integer("high_counter") ?? 0

        for batch in batches.sorted(by: { $0.counters.lowerBound < $1.counters.lowerBound }) {
            try store(batch, lock: lock, high: &high)
        }

        try connection.execute(
            "UPDATE lock_event_chains SET high_counter = $2 WHERE lock_id = $1", [.text(lock), .integer(high)])
    }

    // Known limitation: batches are unsigned, so when two batches disagree about a counter the
    // server cannot tell which one the lock made; the one stored first stands, and the other is
    // kept as a forgery finding's evidence, naming the key that carried it, for a person to judge.
    /// Stores the events of `batch` that are new, unless the batch contradicts what is stored;
    /// then it becomes a `forgery` finding holding the sealed batch, and nothing of it is stored.
    private mutating func store(_ batch: OpenedBatch, lock: String, high: inout Int64) throws {
        let first = batch.counters.lowerBound
        let last = batch.counters.upperBound
        let stored = try storedLinks(lock: lock, from: first - 1, through: last + 1)
        if let reason = batch.contradiction(with: stored) {
            try record(
                NewFinding(
                    kind: .forgery, reason: reason, lockID: lock, keyID: key, sequence: batch.sequence,
                    counters: batch.counters, evidence: batch.sealed))
            return
        }

        for (offset, event) in batch.events.enumerated() {
            let counter = first + Int64(offset)
            guard stored[counter] == nil else {
                result.lockEventsKnown += 1
                continue
            }
            let awaitsPredecessor = offset == 0 && first > 1 && stored[first - 1] == nil
            try insert(
                event, counter: counter, time: batch.times[offset], chainHash: batch.chainHashes[offset],
                openLink: awaitsPredecessor ? batch.previousChainHash : nil, lock: lock)
        }
        // Every event from first to last is now stored, so the links into first + 1 ... last + 1
        // have both sides, and contradiction(with:) has checked them.
        try connection.execute(
            """
            UPDATE lock_events SET open_link = NULL
            WHERE lock_id = $1 AND counter BETWEEN $2 AND $3 AND open_link IS NOT NULL
            """, [.text(lock), .integer(first + 1), .integer(last + 1)])

        if first > high + 1 {
            try record(
                NewFinding(
                    kind: .gap, reason: batch.lostCount > 0 ? .lostAtLock : .missing, lockID: lock, keyID: key,
                    sequence: batch.sequence, counters: (high + 1)...(first - 1)))
        }
        try resolveGaps(lock: lock, filled: batch.counters)
        high = max(high, last)
    }

    private func storedLinks(lock: String, from first: Int64, through last: Int64) throws
        -> [Int64: OpenedBatch.StoredLink]
    {
        let rows = try connection.execute(
            """
            SELECT counter, chain_hash, open_link FROM lock_events
            WHERE lock_id = $1 AND counter BETWEEN $2 AND $3
            """, [.text(lock), .integer(first), .integer(last)])
        var links: [Int64: OpenedBatch.StoredLink] = [:]
        for row in rows {
            let openLink = row["open_link"] == .null ? nil : try row.blob("open_link")
            links[try row.integer("counter")] = .init(chainHash: try row.blob("chain_hash"), openLink: openLink)
        }
        return links
    }

    private mutating func insert(
        _ event: LockEvent, counter: Int64, time: Int64, chainHash: [UInt8], openLink: [UInt8]?, lock: String
    ) throws {
        let identity: SQLValue = event.keyID == .none ? .null : .blob(event.keyID.bytes)
        let rows = try connection.execute(
            """
            INSERT INTO lock_events
                (lock_id, counter, happened_at, kind, reason, detail, key_identity, carried_by, chain_hash, open_link)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT DO NOTHING RETURNING id
            """,
            [
                .text(lock), .integer(counter), .integer(time), .text(event.kind.storedName),
                .integer(Int64(event.reason.rawValue)), .integer(Int64(event.detail)), identity, .integer(key),
                .blob(chainHash), openLink.map { .blob($0) } ?? .null,
            ])
        result.lockEventsStored += rows.count
    }

    /// Resolves the open gaps that `filled` reaches into; the parts of a gap still missing stay
    /// open as gaps of their own, with the original time they were found.
    private func resolveGaps(lock: String, filled: ClosedRange<Int64>) throws {
        let gaps = try connection.execute(
            """
            SELECT id, reason, key_id, sequence, first_counter, last_counter, found_at FROM event_findings
            WHERE kind = 'gap' AND resolved_at IS NULL AND lock_id = $1 AND first_counter <= $3 AND last_counter >= $2
            """, [.text(lock), .integer(filled.lowerBound), .integer(filled.upperBound)])
        for gap in gaps {
            try connection.execute(
                "UPDATE event_findings SET resolved_at = $2 WHERE id = $1",
                [.integer(try gap.integer("id")), .integer(receivedAt)])
            let first = try gap.integer("first_counter")
            let last = try gap.integer("last_counter")
            var remainders: [ClosedRange<Int64>] = []
            if first < filled.lowerBound { remainders.append(first...(filled.lowerBound - 1)) }
            if last > filled.upperBound { remainders.append((filled.upperBound + 1)...last) }
            for remainder in remainders {
                let finding = NewFinding(
                    kind: .gap, reason: EventFinding.Reason(rawValue: try gap.text("reason")) ?? .missing, lockID: lock,
                    keyID: try gap.optionalInteger("key_id"), sequence: try gap.optionalInteger("sequence"),
                    counters: remainder)
                try finding.insert(at: try gap.integer("found_at"), in: connection)
            }
        }
    }
}
