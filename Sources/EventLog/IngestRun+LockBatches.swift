import PortvaktProtocol
import Storage

extension IngestRun {
    /// Locks the chain rows of `locks` until the transaction ends and returns each lock's
    /// confirmed head; then notes which of them have open gaps.
    ///
    /// A concurrent ingestion for one of the locks waits here and then sees these events. Rows
    /// are locked in the order given, the identities' order, so two reports naming the same locks
    /// cannot deadlock.
    mutating func lockChains(_ locks: [LockID]) throws -> [LockID: ChainHead] {
        let texts = locks.map(LockIdentity.text)
        var heads: [String: ChainHead] = [:]
        try Self.forEachChunk(of: texts.count) { range in
            let rows = try connection.execute(
                """
                INSERT INTO lock_event_chains (lock_id, high_counter)
                VALUES \((0..<range.count).map { "($\($0 + 1), 0)" }.joined(separator: ", "))
                ON CONFLICT (lock_id) DO UPDATE SET high_counter = lock_event_chains.high_counter
                RETURNING lock_id, high_counter, head_hash
                """, texts[range].map { .text($0) })
            for row in rows {
                let counter = try row.integer("high_counter")
                let hash = row["head_hash"] == .null ? nil : try row.blob("head_hash")
                heads[try row.text("lock_id")] = ChainHead(counter: counter, hash: counter == 0 ? ChainHead.zero : hash)
            }
        }
        try Self.forEachChunk(of: texts.count) { range in
            let rows = try connection.execute(
                """
                SELECT DISTINCT lock_id FROM event_findings
                WHERE kind = 'gap' AND resolved_at IS NULL
                  AND lock_id IN (\(Self.parameters(from: 1, count: range.count)))
                """, texts[range].map { .text($0) })
            for row in rows { locksWithOpenGaps.insert(try row.text("lock_id")) }
        }
        var result: [LockID: ChainHead] = [:]
        for (lock, text) in zip(locks, texts) {
            guard let head = heads[text] else {
                throw StorageError(
                    .decoding, "the chain row of lock \(text) came back from its upsert without the lock")
            }
            result[lock] = head
        }
        return result
    }

    /// Checks and stores one lock's batches, oldest first, from the confirmed `head` that
    /// ``lockChains(_:)`` returned for it.
    mutating func storeBatches(_ batches: [OpenedBatch], of lockID: LockID, head: ChainHead) throws {
        let lock = LockIdentity.text(lockID)
        var head = head

        for batch in batches.sorted(by: { $0.counters.lowerBound < $1.counters.lowerBound }) {
            if batch.counters.lowerBound <= head.counter + 1 {
                try storeOnChain(batch, lock: lock, head: &head)
            } else {
                try storeAbove(batch, lock: lock, head: head)
            }
        }

        try connection.execute(
            "UPDATE lock_event_chains SET high_counter = $2, head_hash = $3 WHERE lock_id = $1",
            [.text(lock), .integer(head.counter), head.hash.map { .blob($0) } ?? .null])
    }

    // Known limitation: batches are unsigned, so a batch that links to the confirmed chain can
    // only be told from a genuine one by the chain value it links to. Whoever knows a lock's
    // chain head (read out of its flash, or the public zero value before its first event reaches
    // the server) can still extend the confirmed chain before the genuine batch arrives.
    /// Stores a batch that starts at or below the counter after the confirmed head.
    ///
    /// A batch that contradicts the confirmed chain becomes a `forgery` finding and nothing of it
    /// is stored. Otherwise it extends the chain: unconfirmed events it contradicts give way and
    /// become the findings, and unconfirmed events it links to are confirmed with it.
    private mutating func storeOnChain(_ batch: OpenedBatch, lock: String, head: inout ChainHead) throws {
        let first = batch.counters.lowerBound
        let last = batch.counters.upperBound
        var stored = try storedLinks(lock: lock, from: first - 1, through: last + 1)
        if let reason = batch.contradiction(withChain: head, stored: stored) {
            try recordForgery(batch, reason, lock: lock)
            return
        }
        guard last > head.counter else {
            result.lockEventsKnown += batch.events.count
            return
        }

        var contradicted: [(counter: Int64, reason: EventFinding.Reason)] = []
        for counter in (head.counter + 1)...last {
            if let known = stored[counter], known.chainHash != batch.chainHashes[Int(counter - first)] {
                contradicted.append((counter, .conflictingEvent))
            }
        }
        if let after = stored[last + 1], let link = after.openLink, link != batch.chainHashes.last {
            contradicted.append((last + 1, .chainMismatch))
        }
        if !contradicted.isEmpty {
            for (counter, reason) in contradicted {
                try evictRun(containing: counter, below: head.counter, reason, lock: lock, overtakenAfter: last)
            }
            stored = try storedLinks(lock: lock, from: first - 1, through: last + 1)
        }

        for (offset, event) in batch.events.enumerated() {
            let counter = first + Int64(offset)
            guard counter > head.counter, stored[counter] == nil else {
                result.lockEventsKnown += 1
                continue
            }
            try insert(
                event, counter: counter, time: batch.times[offset], chainHash: batch.chainHashes[offset],
                openLink: nil, pending: nil, lock: lock)
        }
        let previous = head.counter
        if stored[last + 1] == nil, !stored.keys.contains(where: { $0 > previous && $0 <= last }) {
            // The common case: the batch only extends the chain, and every event it confirms was
            // stored just now, confirmed.
            head = ChainHead(counter: last, hash: batch.chainHashes.last)
        } else {
            head = try confirmedHead(lock: lock, from: last)
            // Every event up to the new head now links back to the chain: it needs no open link
            // and no evidence any more.
            try connection.execute(
                """
                UPDATE lock_events SET open_link = NULL, pending_sequence = NULL, pending_batch = NULL
                WHERE lock_id = $1 AND counter BETWEEN $2 AND $3
                """, [.text(lock), .integer(previous + 1), .integer(head.counter)])
        }
        try resolveGaps(lock: lock, filled: batch.counters)
    }

    /// Stores a batch that starts above the counter after the confirmed head, unconfirmed, unless
    /// it contradicts the unconfirmed events stored next to it or over it; then it becomes a
    /// `forgery` finding and nothing of it is stored.
    ///
    /// Between unconfirmed batches the one stored first stands: neither links to the chain, so
    /// the confirmed batch that later reaches them decides.
    private mutating func storeAbove(_ batch: OpenedBatch, lock: String, head: ChainHead) throws {
        let first = batch.counters.lowerBound
        let last = batch.counters.upperBound
        let stored = try storedLinks(lock: lock, from: first - 1, through: last + 1)
        if let reason = batch.contradiction(with: stored) {
            try recordForgery(batch, reason, lock: lock)
            return
        }

        var pending: (sequence: Int64, sealed: [UInt8])? = (batch.sequence, batch.sealed)
        for (offset, event) in batch.events.enumerated() {
            let counter = first + Int64(offset)
            guard stored[counter] == nil else {
                result.lockEventsKnown += 1
                continue
            }
            let awaitsPredecessor = offset == 0 && stored[first - 1] == nil
            try insert(
                event, counter: counter, time: batch.times[offset], chainHash: batch.chainHashes[offset],
                openLink: awaitsPredecessor ? batch.previousChainHash : nil, pending: pending, lock: lock)
            pending = nil
        }
        // Every event from first to last is now stored, so the links into first + 1 ... last + 1
        // have both sides, and contradiction(with:) has checked them.
        try connection.execute(
            """
            UPDATE lock_events SET open_link = NULL
            WHERE lock_id = $1 AND counter BETWEEN $2 AND $3 AND open_link IS NOT NULL
            """, [.text(lock), .integer(first + 1), .integer(last + 1)])

        let below = try highestStored(lock: lock, below: first) ?? head.counter
        let missing = first - max(below, head.counter) - 1
        if missing > ChainHead.lockLogCapacity {
            try recordForgery(batch, .counterJump, lock: lock)
        } else if missing > 0, try !gapOpen(lock: lock, at: first - 1) {
            try record(
                NewFinding(
                    kind: .gap, reason: batch.lostCount > 0 ? .lostAtLock : .missing, lockID: lock, keyID: key,
                    sequence: batch.sequence, counters: (first - missing)...(first - 1)))
        }
        try resolveGaps(lock: lock, filled: batch.counters)
    }

    private mutating func recordForgery(_ batch: OpenedBatch, _ reason: EventFinding.Reason, lock: String) throws {
        try record(
            NewFinding(
                kind: .forgery, reason: reason, lockID: lock, keyID: key, sequence: batch.sequence,
                counters: batch.counters, evidence: batch.sealed))
    }

    func storedLinks(lock: String, from first: Int64, through last: Int64) throws
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
        _ event: LockEvent, counter: Int64, time: Int64, chainHash: [UInt8], openLink: [UInt8]?,
        pending: (sequence: Int64, sealed: [UInt8])?, lock: String
    ) throws {
        let identity: SQLValue = event.keyID == .none ? .null : .blob(event.keyID.bytes)
        let rows = try connection.execute(
            """
            INSERT INTO lock_events
                (lock_id, counter, happened_at, kind, reason, detail, key_identity, carried_by, chain_hash, open_link,
                 pending_sequence, pending_batch, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT DO NOTHING RETURNING id
            """,
            [
                .text(lock), .integer(counter), .integer(time), .text(event.kind.storedName),
                .integer(Int64(event.reason.rawValue)), .integer(Int64(event.detail)), identity, .integer(key),
                .blob(chainHash), openLink.map { .blob($0) } ?? .null, .integer(pending?.sequence),
                pending.map { .blob($0.sealed) } ?? .null, .integer(receivedAt),
            ])
        result.lockEventsStored += rows.count
    }

    /// Resolves the open gaps that `filled` reaches into; the parts of a gap still missing stay
    /// open as gaps of their own, with the original time they were found.
    func resolveGaps(lock: String, filled: ClosedRange<Int64>) throws {
        guard locksWithOpenGaps.contains(lock) else { return }
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
