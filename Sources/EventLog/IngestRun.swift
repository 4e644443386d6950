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

    /// Records the entry under `(key, sequence)`; returns whether it is new.
    ///
    /// A repeat with the same bytes is known. A repeat with other bytes means the key reused a
    /// sequence number: its bytes are kept as evidence in a `malformed` finding, and the entry
    /// counts as known so the key can move on without losing them.
    mutating func recordEntry(_ entry: UploadEntry) throws -> Bool {
        let digest = hasher.hash(entry.sealed)
        let kind = entry.kind == .ownEvent ? "key_event" : "lock_batch"
        let inserted = try connection.execute(
            """
            INSERT INTO event_report_entries (key_id, sequence, kind, digest, received_at)
            VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id
            """, [.integer(key), .integer(Int64(entry.sequence)), .text(kind), .blob(digest), .integer(receivedAt)])
        if !inserted.isEmpty {
            result.entriesStored += 1
            return true
        }

        result.entriesKnown += 1
        let stored = try connection.first(
            "SELECT digest FROM event_report_entries WHERE key_id = $1 AND sequence = $2",
            [.integer(key), .integer(Int64(entry.sequence))])
        if try stored?.blob("digest") != digest {
            try recordFindingOnce(
                NewFinding(
                    kind: .malformed, reason: .sequenceReused, keyID: key, sequence: Int64(entry.sequence),
                    evidence: entry.sealed))
        }
        return false
    }

    /// Opens and stores one of the key's own events.
    mutating func storeKeyEvent(_ entry: UploadEntry) throws {
        let event: KeyEvent
        do {
            event = try intake.openKeyEvent(entry.sealed)
        } catch {
            try recordMalformed(entry, error)
            return
        }
        guard let counter = Int64(exactly: event.counter), let time = Self.milliseconds(event.time) else {
            try record(NewFinding(kind: .malformed, reason: .outOfRange, keyID: key, sequence: Int64(entry.sequence)))
            return
        }
        let stored = try connection.execute(
            """
            INSERT INTO key_events (key_id, counter, happened_at, kind, reason, detail, lock_id, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id
            """,
            [
                .integer(key), .integer(counter), .integer(time), .text(event.kind.storedName),
                .integer(Int64(event.reason.rawValue)), .integer(Int64(event.detail)),
                .text(LockIdentity.text(event.lockID)), .integer(receivedAt),
            ])
        result.keyEventsStored += stored.count
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
