import CredentialIssuer
import PortvaktProtocol
import ProtocolCrypto
import Storage

/// The state of one ingestion: the caller's connection, the reporting key and the counts so far.
struct IngestRun {
    let intake: EventIntake
    let hasher: SodiumProtocolCrypto
    /// The server's id of the reporting key.
    let key: Int64
    let receivedAt: Int64
    let connection: any SQLConnection
    var result = IngestResult()
    /// The locks that have had an open gap finding during this run: those that had one when
    /// their chain rows were locked, and those this run recorded one for. Only their gaps can
    /// need resolving.
    var locksWithOpenGaps: Set<String> = []

    init(
        intake: EventIntake, hasher: SodiumProtocolCrypto, key: Int64, receivedAt: Int64,
        connection: any SQLConnection
    ) {
        self.intake = intake
        self.hasher = hasher
        self.key = key
        self.receivedAt = receivedAt
        self.connection = connection
    }

    /// Remembers which server key holds `identity`, so lock events naming it are attributed.
    func recordIdentity(_ identity: KeyID) throws {
        try connection.execute(
            "INSERT INTO event_key_identities (key_identity, key_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            [.blob(identity.bytes), .integer(key)])
    }

    /// Records every entry under `(key, sequence)` and returns the entries that are new, in the
    /// report's order.
    ///
    /// A repeat with the same bytes is known. A repeat with other bytes means the key reused a
    /// sequence number: its bytes are kept as evidence in a `malformed` finding, and the entry
    /// counts as known so the key can move on without losing them. A sequence that appears twice
    /// in one report is new the first time only.
    mutating func recordEntries(_ entries: [UploadEntry]) throws -> [UploadEntry] {
        let digests = entries.map { hasher.hash($0.sealed) }
        let rows: [[SQLValue]] = entries.indices.map { index in
            let entry = entries[index]
            return [
                .integer(Int64(entry.sequence)), .text(entry.kind == .ownEvent ? "key_event" : "lock_batch"),
                .blob(digests[index]),
            ]
        }
        var inserted = Set(
            try insertPerKey(rows) { values in
                """
                INSERT INTO event_report_entries (key_id, sequence, kind, digest, received_at)
                VALUES \(values) ON CONFLICT DO NOTHING RETURNING sequence
                """
            }.map { try $0.integer("sequence") })

        var new: [UploadEntry] = []
        for (index, entry) in entries.enumerated() {
            if inserted.remove(Int64(entry.sequence)) != nil {
                result.entriesStored += 1
                new.append(entry)
                continue
            }
            result.entriesKnown += 1
            let stored = try connection.first(
                "SELECT digest FROM event_report_entries WHERE key_id = $1 AND sequence = $2",
                [.integer(key), .integer(Int64(entry.sequence))])
            if try stored?.blob("digest") != digests[index] {
                try recordFindingOnce(
                    NewFinding(
                        kind: .malformed, reason: .sequenceReused, keyID: key, sequence: Int64(entry.sequence),
                        evidence: entry.sealed))
            }
        }
        return new
    }

    /// Runs `body` over `0..<count` in consecutive ranges of 64, 16, 4 or 1 rows, the largest that
    /// fits first, so multi-row statements come in four shapes and stay in the statement caches.
    static func forEachChunk(of count: Int, _ body: (Range<Int>) throws -> Void) throws {
        var start = 0
        while start < count {
            let size = [64, 16, 4, 1].first { $0 <= count - start } ?? 1
            try body(start..<(start + size))
            start += size
        }
    }

    /// `$first, $first+1, …`, `count` numbered parameters.
    static func parameters(from first: Int, count: Int) -> String {
        (first..<(first + count)).map { "$\($0)" }.joined(separator: ", ")
    }

    /// Runs the multi-row statement that `sql` makes of a `VALUES` list over `rows`, in chunks of
    /// ``forEachChunk(of:_:)``: each row is bound as `($1, …, $2)`, the reporting key's id first
    /// and the time received last, and returns the rows every chunk returned.
    func insertPerKey(_ rows: [[SQLValue]], _ sql: (String) -> String) throws -> [SQLRow] {
        var returned: [SQLRow] = []
        try Self.forEachChunk(of: rows.count) { range in
            var parameters: [SQLValue] = [.integer(key), .integer(receivedAt)]
            var values: [String] = []
            for row in rows[range] {
                values.append("($1, \(Self.parameters(from: parameters.count + 1, count: row.count)), $2)")
                parameters += row
            }
            returned += try connection.execute(sql(values.joined(separator: ", ")), parameters)
        }
        return returned
    }

    /// Opens one of the key's own events; `nil`, with a finding recorded, when it does not open,
    /// decode or fit.
    mutating func openKeyEvent(_ entry: UploadEntry) throws -> OpenedKeyEvent? {
        let event: KeyEvent
        do {
            event = try intake.openKeyEvent(entry.sealed)
        } catch {
            try recordMalformed(entry, error)
            return nil
        }
        guard let counter = Int64(exactly: event.counter), let time = Self.milliseconds(event.time) else {
            try record(NewFinding(kind: .malformed, reason: .outOfRange, keyID: key, sequence: Int64(entry.sequence)))
            return nil
        }
        return OpenedKeyEvent(counter: counter, time: time, event: event)
    }

    /// Stores the key's own events, a few statements for the whole report.
    mutating func storeKeyEvents(_ events: [OpenedKeyEvent]) throws {
        let rows: [[SQLValue]] = events.map { opened in
            let event = opened.event
            return [
                .integer(opened.counter), .integer(opened.time), .text(event.kind.storedName),
                .integer(Int64(event.reason.rawValue)), .integer(Int64(event.detail)),
                .text(LockIdentity.text(event.lockID)),
            ]
        }
        result.keyEventsStored +=
            try insertPerKey(rows) { values in
                """
                INSERT INTO key_events (key_id, counter, happened_at, kind, reason, detail, lock_id, received_at)
                VALUES \(values) ON CONFLICT DO NOTHING RETURNING id
                """
            }.count
    }

    /// Opens a lock batch for checking; `nil` when it does not open or decode, or holds no event.
    mutating func openBatch(_ entry: UploadEntry) throws -> OpenedBatch? {
        let batch: EventBatch
        do {
            batch = try intake.openLockBatch(entry.sealed)
        } catch {
            try recordMalformed(entry, error)
            return nil
        }
        guard !batch.events.isEmpty else { return nil }
        guard let opened = OpenedBatch(batch, entry: entry, hasher: hasher) else {
            try record(
                NewFinding(
                    kind: .malformed, reason: .outOfRange, lockID: LockIdentity.text(batch.lockID), keyID: key,
                    sequence: Int64(entry.sequence), evidence: entry.sealed))
            return nil
        }
        return opened
    }

    mutating func record(_ finding: NewFinding) throws {
        try finding.insert(at: receivedAt, in: connection)
        if finding.kind == .gap, let lock = finding.lockID { locksWithOpenGaps.insert(lock) }
        result.findingsRecorded += 1
    }

    /// Records `finding` unless the same evidence from the same key and sequence is on file.
    private mutating func recordFindingOnce(_ finding: NewFinding) throws {
        let existing = try connection.first(
            """
            SELECT id FROM event_findings
            WHERE kind = $1 AND reason = $2 AND key_id = $3 AND sequence = $4 AND evidence = $5
            """,
            [
                .text(finding.kind.rawValue), .text(finding.reason.rawValue), .integer(finding.keyID),
                .integer(finding.sequence), finding.evidence.map { .blob($0) } ?? .null,
            ])
        if existing == nil { try record(finding) }
    }

    private mutating func recordMalformed(_ entry: UploadEntry, _ error: EventIntakeError) throws {
        let reason: EventFinding.Reason = error == .cannotOpen ? .cannotOpen : .undecodable
        try record(
            NewFinding(
                kind: .malformed, reason: reason, keyID: key, sequence: Int64(entry.sequence), evidence: entry.sealed))
    }

    /// Unix seconds as milliseconds, `nil` when that does not fit.
    static func milliseconds(_ seconds: UInt64) -> Int64? {
        guard let value = Int64(exactly: seconds), value <= Int64.max / 1_000 else { return nil }
        return value * 1_000
    }
}

/// One of the key's own events, opened, with its counter and time as stored.
struct OpenedKeyEvent {
    let counter: Int64
    /// Milliseconds since the epoch.
    let time: Int64
    let event: KeyEvent
}

extension KeyEvent.Kind {
    /// The name stored in `key_events.kind`.
    var storedName: String {
        switch self {
        case .passage: "passage"
        case .refusedByLock: "refused_by_lock"
        case .noPermission: "no_permission"
        case .gap: "gap"
        }
    }
}

extension LockEvent.Kind {
    /// The name stored in `lock_events.kind`.
    var storedName: String {
        switch self {
        case .opened: "opened"
        case .refused: "refused"
        case .revocationInstalled: "revocation_installed"
        case .clockBehindFloor: "clock_behind_floor"
        }
    }
}
