import Crypto
import Storage

/// The append-only, hash-chained record of every change to the authorization data.
///
/// Each entry's hash covers the previous entry's hash and the entry's own fields, so deleting,
/// reordering or editing any entry breaks every later hash; `verify` finds the first break.
/// Entries past the retention period leave only through `purge`, which records a checkpoint that
/// verification starts from.
/// Appends are serialised (SQLite has one writer; on PostgreSQL a transaction-scoped advisory
/// lock), so sequence numbers have no gaps.
public struct AuditTrail: Sendable {
    /// The hash the first entry chains from.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// Creates a trail. It needs no state of its own: entries live in the caller's database.
    public init() {}

    /// Appends `change` inside the caller's write transaction, so the record and the change
    /// commit or roll back together.
    @discardableResult
    public func append(_ change: AuditChange, at time: Int64, in connection: any SQLConnection) throws -> AuditEntry {
        if connection.dialect == .postgres {
            try connection.execute("SELECT pg_advisory_xact_lock(7407002)")
        }
        let last = try connection.first("SELECT sequence, hash FROM audit_entries ORDER BY sequence DESC LIMIT 1")
        let sequence = (try last?.integer("sequence") ?? 0) + 1
        let previous = try last?.blob("hash") ?? AuditTrail.genesis
        let hash = AuditTrail.hash(previous: previous, sequence: sequence, at: time, change: change)
        try connection.execute(
            """
            INSERT INTO audit_entries (sequence, at, actor_id, actor_organisation_id, organisation_id, action,
                object_type, object_id, before_json, after_json, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                .integer(sequence), .integer(time), .text(change.actorID), .text(change.actorOrganisationID),
                .text(change.organisationID), .text(change.action), .text(change.objectType), .text(change.objectID),
                .text(change.before), .text(change.after), .blob(hash),
            ])
        return AuditEntry(
            sequence: sequence, at: time, actorID: change.actorID, actorOrganisationID: change.actorOrganisationID,
            organisationID: change.organisationID, action: change.action, objectType: change.objectType,
            objectID: change.objectID, before: change.before, after: change.after, hash: hash)
    }

    /// Entries after `sequence`, oldest first, optionally only those about one organisation.
    public func entries(
        after sequence: Int64 = 0, organisationID: String? = nil, limit: Int = 100, in database: any Database
    )
        throws -> [AuditEntry]
    {
        try database.read { connection in
            try entries(after: sequence, organisationID: organisationID, limit: limit, in: connection)
        }
    }

    /// Walks the trail and returns the sequence number of the first entry whose hash or position
    /// does not follow from the one before, or `nil` when the trail is intact; see `verification`.
    public func verify(in database: any Database, batch: Int = 1000) throws -> Int64? {
        try verification(in: database, batch: batch).firstBrokenSequence
    }

    /// Walks the kept trail in one consistent snapshot and reports the first break.
    ///
    /// A purged trail is checked from its newest checkpoint: the first kept entry must follow the
    /// checkpoint's sequence and chain from its hash, and the entry that recorded the purge must
    /// be present and agree with the checkpoint. So an edited, reordered or removed kept entry,
    /// and a removal that no purge covered, are both found.
    public func verification(in database: any Database, batch: Int = 1000) throws -> AuditVerification {
        try database.read { connection in
            let checkpoint = try AuditCheckpoint.newest(in: connection)
            var previous = checkpoint?.throughHash ?? AuditTrail.genesis
            var expected = (checkpoint?.throughSequence ?? 0) + 1
            func broken(at sequence: Int64) -> AuditVerification {
                AuditVerification(firstBrokenSequence: sequence, checkpoint: checkpoint)
            }
            while true {
                let page = try entries(after: expected - 1, organisationID: nil, limit: batch, in: connection)
                for entry in page {
                    guard entry.sequence == expected, constantTimeEqual(AuditTrail.hash(entry, previous), entry.hash)
                    else { return broken(at: expected) }
                    if let checkpoint, entry.sequence == checkpoint.recordedIn,
                        entry.action != AuditTrail.purgeAction || entry.after != checkpoint.recordedJSON
                    {
                        return broken(at: expected)
                    }
                    previous = entry.hash
                    expected += 1
                }
                if page.count < batch { break }
            }
            // The purge's own record comes after every entry it kept; a trail cut off before it
            // lost entries that no checkpoint covers.
            if let checkpoint, checkpoint.recordedIn >= expected { return broken(at: expected) }
            return AuditVerification(firstBrokenSequence: nil, checkpoint: checkpoint)
        }
    }

    func entries(after sequence: Int64, organisationID: String?, limit: Int, in connection: any SQLConnection)
        throws -> [AuditEntry]
    {
        try connection.execute(
            """
            SELECT * FROM audit_entries WHERE sequence > $1 AND (CAST($2 AS TEXT) IS NULL OR organisation_id = $2)
            ORDER BY sequence LIMIT $3
            """, [.integer(sequence), .text(organisationID), .integer(Int64(limit))]
        ).map(AuditTrail.entry)
    }

    /// The hash `entry` should have when it follows an entry whose hash is `previous`.
    static func hash(_ entry: AuditEntry, _ previous: [UInt8]) -> [UInt8] {
        let change = AuditChange(
            actorID: entry.actorID, actorOrganisationID: entry.actorOrganisationID,
            organisationID: entry.organisationID, action: entry.action, objectType: entry.objectType,
            objectID: entry.objectID, before: entry.before, after: entry.after)
        return hash(previous: previous, sequence: entry.sequence, at: entry.at, change: change)
    }

    /// BLAKE2b over the previous hash and a length-prefixed encoding of every field, so no two
    /// different entries encode alike.
    static func hash(previous: [UInt8], sequence: Int64, at time: Int64, change: AuditChange) -> [UInt8] {
        var bytes = previous
        func append(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func append(_ text: String?) {
            guard let text else {
                append(Int64(-1))
                return
            }
            append(Int64(text.utf8.count))
            bytes.append(contentsOf: text.utf8)
        }
        append(sequence)
        append(time)
        for field in [
            change.actorID, change.actorOrganisationID, change.organisationID, change.action, change.objectType,
            change.objectID,
        ] {
            append(field)
        }
        append(change.before)
        append(change.after)
        return Blake2b.hash(bytes)
    }

    private static func entry(_ row: SQLRow) throws -> AuditEntry {
        AuditEntry(
            sequence: try row.integer("sequence"), at: try row.integer("at"), actorID: try row.text("actor_id"),
            actorOrganisationID: try row.text("actor_organisation_id"), organisationID: try row.text("organisation_id"),
            action: try row.text("action"), objectType: try row.text("object_type"),
            objectID: try row.text("object_id"),
            before: try row.optionalText("before_json"), after: try row.optionalText("after_json"),
            hash: try row.blob("hash"))
    }
}
