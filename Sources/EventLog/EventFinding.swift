import Storage

/// Something the checks found wrong with what keys carried up: a gap in a lock's counters, a
/// batch that contradicts what is stored, or an entry that does not open or decode.
///
/// Findings are for the central unit. A gap is resolved when the missing events arrive; the
/// others stay until a person has looked at them.
public struct EventFinding: Equatable, Sendable {
    /// What kind of problem it is.
    public enum Kind: String, Sendable, CaseIterable {
        /// A lock's counters skip: events have not arrived yet, or were lost at the lock.
        case gap
        /// A lock batch contradicts the confirmed chain, or unconfirmed events stored before it, and
        /// was not stored; or unconfirmed events gave way to a batch linked to the confirmed chain
        /// and were removed; or (`counter_jump`) a batch starts too far ahead to be real.
        case forgery
        /// An entry did not open or decode, or reused a sequence number with other content.
        case malformed
    }

    /// Why, more precisely.
    public enum Reason: String, Sendable, CaseIterable {
        /// Gap: events between stored ones have not been carried up yet.
        case missing
        /// Gap: the lock reported that undelivered events were overwritten before the batch.
        case lostAtLock = "lost_at_lock"
        /// Forgery: a batch that starts at counter 1 does not start from the zero chain value.
        case chainStart = "chain_start"
        /// Forgery: a batch does not link to the stored event before or after it.
        case chainMismatch = "chain_mismatch"
        /// Forgery: a batch holds a counter already stored with other content.
        case conflictingEvent = "conflicting_event"
        /// Forgery suspected: a batch starts more counters above the lock's last stored event than
        /// a lock's log holds. Its events are stored, unconfirmed, and no gap is recorded for it.
        case counterJump = "counter_jump"
        /// Malformed: the sealed box was not sealed to this server's event key, or was altered.
        case cannotOpen = "cannot_open"
        /// Malformed: the opened bytes are not a valid event or batch.
        case undecodable
        /// Malformed: a counter or time is too large to be real.
        case outOfRange = "out_of_range"
        /// Malformed: the key sent a sequence number it had used before, with other content.
        case sequenceReused = "sequence_reused"
    }

    /// The finding's number, assigned in the order findings are made.
    public var id: Int64
    /// What kind of problem it is.
    public var kind: Kind
    /// Why, more precisely.
    public var reason: Reason
    /// The lock concerned (32 hexadecimal characters), when known.
    public var lockID: String?
    /// The server's id of the key that carried the entry.
    public var keyID: Int64?
    /// The entry's sequence number on that key.
    public var sequence: Int64?
    /// The first lock counter concerned.
    public var firstCounter: Int64?
    /// The last lock counter concerned.
    public var lastCounter: Int64?
    /// When it was found, in milliseconds since the epoch.
    public var foundAt: Int64
    /// When it was resolved, for a gap whose events arrived.
    public var resolvedAt: Int64?

    static let columns = """
        id, kind, reason, lock_id, key_id, sequence, first_counter, last_counter, found_at, resolved_at
        """

    init(_ row: SQLRow) throws {
        let kind = try row.text("kind")
        let reason = try row.text("reason")
        guard let parsedKind = Kind(rawValue: kind), let parsedReason = Reason(rawValue: reason) else {
            throw StorageError(
                .decoding, "event_findings holds a kind or reason this build does not know",
                cause: "\(kind)/\(reason)")
        }
        self.id = try row.integer("id")
        self.kind = parsedKind
        self.reason = parsedReason
        self.lockID = try row.optionalText("lock_id")
        self.keyID = try row.optionalInteger("key_id")
        self.sequence = try row.optionalInteger("sequence")
        self.firstCounter = try row.optionalInteger("first_counter")
        self.lastCounter = try row.optionalInteger("last_counter")
        self.foundAt = try row.integer("found_at")
        self.resolvedAt = try row.optionalInteger("resolved_at")
    }
}

/// A finding about to be recorded.
struct NewFinding {
    var kind: EventFinding.Kind
    var reason: EventFinding.Reason
    var lockID: String? = nil
    var keyID: Int64? = nil
    var sequence: Int64? = nil
    var counters: ClosedRange<Int64>? = nil
    var evidence: [UInt8]? = nil

    /// Inserts the finding, found at `time`.
    func insert(at time: Int64, in connection: any SQLConnection) throws {
        try connection.execute(
            """
            INSERT INTO event_findings
                (kind, reason, lock_id, key_id, sequence, first_counter, last_counter, evidence, found_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                .text(kind.rawValue), .text(reason.rawValue), .text(lockID), .integer(keyID), .integer(sequence),
                .integer(counters?.lowerBound), .integer(counters?.upperBound), evidence.map { .blob($0) } ?? .null,
                .integer(time),
            ])
    }
}
