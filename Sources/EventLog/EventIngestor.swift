import CredentialIssuer
import PortvaktProtocol
import ProtocolCrypto
import Storage

/// Stores what a key carried up at a sync: its own events and the lock batches it was handed,
/// checked against everything already stored (docs/station.md §6).
///
/// Ingestion is idempotent per report entry and per event, so a station may send the same
/// report again after a lost answer. Lock batches may arrive in any order, through any keys:
/// a missing stretch of counters is a gap finding until it arrives, and a link between two
/// batches is checked as soon as both sides are stored.
public struct EventIngestor: Sendable {
    private let intake: EventIntake
    private let now: @Sendable () -> Int64

    /// An ingestor opening sealed entries with `intake` and stamping findings and entries with
    /// `now` (milliseconds since the epoch).
    public init(intake: EventIntake, now: @escaping @Sendable () -> Int64) {
        self.intake = intake
        self.now = now
    }

    /// Stores a verified report's entries inside the caller's transaction.
    ///
    /// Call it for every report, also one without entries: it records which server key holds
    /// the report's key identity, and lock events naming that identity are attributed to the key.
    ///
    /// Every entry is recorded under `(key, sequence)`; a repeated one counts as known. An entry
    /// that does not open or decode becomes a `malformed` finding and the others go on. Lock
    /// batches are checked per lock, in counter order, after the lock's row has been locked, so
    /// two stations ingesting for one lock at once cannot both pass the same check.
    ///
    /// - Parameters:
    ///   - report: a report already verified with ``EventIntake/verifyReport(_:hello:keyPublicKey:)``
    ///     against `publicKey`.
    ///   - key: the server's id of the reporting key (`keys.id`).
    ///   - publicKey: the Ed25519 public key enrolled for that key.
    ///   - connection: the caller's transaction; nothing is acknowledged before it commits.
    /// - Returns: counts, and the sequence to acknowledge once the transaction has committed.
    /// - Throws: ``EventLogError`` when the report's key identity is not `publicKey`'s, before any
    ///   statement runs; `StorageError` from the database.
    public func ingest(report: SyncReport, key: Int64, publicKey: [UInt8], in connection: any SQLConnection)
        throws -> IngestResult
    {
        let hasher = SodiumProtocolCrypto()
        guard hasher.keyID(for: publicKey) == report.keyID else { throw EventLogError.keyMismatch(key: key) }
        var run = IngestRun(
            intake: intake, hasher: hasher, key: key, receivedAt: now(), connection: connection)

        try run.recordIdentity(report.keyID)
        var keyEvents: [OpenedKeyEvent] = []
        var batches: [OpenedBatch] = []
        for entry in try run.recordEntries(report.entries) {
            switch entry.kind {
            case .ownEvent: if let event = try run.openKeyEvent(entry) { keyEvents.append(event) }
            case .lockBatch: if let batch = try run.openBatch(entry) { batches.append(batch) }
            }
        }
        try run.storeKeyEvents(keyEvents)

        let byLock = Dictionary(grouping: batches, by: \.lockID)
        let locks = byLock.keys.sorted()
        let heads = try run.lockChains(locks)
        for lockID in locks {
            try run.storeBatches(byLock[lockID]!, of: lockID, head: heads[lockID]!)
        }

        run.result.acknowledgeThrough = report.entries.map(\.sequence).max()
        return run.result
    }
}

/// What one call to ``EventIngestor/ingest(report:key:publicKey:in:)`` did.
public struct IngestResult: Equatable, Sendable {
    /// The highest sequence of the report, every entry up to which is now stored (by this call
    /// or an earlier one); `nil` for a report without entries. Acknowledge it only after the
    /// transaction has committed.
    public var acknowledgeThrough: UInt32?
    /// Entries stored for the first time.
    public var entriesStored = 0
    /// Entries already stored by an earlier call.
    public var entriesKnown = 0
    /// Lock events stored for the first time.
    public var lockEventsStored = 0
    /// Lock events already stored, from this key or another.
    public var lockEventsKnown = 0
    /// The key's own events stored for the first time.
    public var keyEventsStored = 0
    /// Findings recorded.
    public var findingsRecorded = 0

    /// An empty result.
    public init() {}
}

/// Why ingestion refused a report as a whole.
public enum EventLogError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The report names a key identity other than the one derived from the enrolled public key.
    case keyMismatch(key: Int64)

    /// A stable code for logs.
    public var code: String {
        switch self {
        case .keyMismatch: "event_log.key_mismatch"
        }
    }

    public var description: String {
        switch self {
        case .keyMismatch(let key):
            "the report's key identity is not that of key \(key)'s enrolled public key; "
                + "verify the report against the public key enrolled for the key that sent it"
        }
    }
}
