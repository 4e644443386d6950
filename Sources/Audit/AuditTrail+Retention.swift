import Crypto
import Storage

extension AuditTrail {
    /// The action of the entry that records a purge.
    public static let purgeAction = "audit.purge"
    /// The organisation named on purge records: the purge is about no provider, so only the
    /// central unit sees it.
    public static let systemOrganisation = "system"

    /// Removes the entries recorded before `cutoff`, through checkpoints, and returns how many
    /// were removed.
    ///
    /// Only a prefix of the trail is removed: it ends before the first entry at or after the
    /// cutoff, so an entry written by a server whose clock ran slow is never taken out of the
    /// middle. Each batch runs in its own transaction that checks the part it removes, appends an
    /// `audit.purge` entry (the actor, how many, through which sequence and hash), writes the
    /// checkpoint and deletes the entries, so it commits whole or not at all. Purges from several
    /// servers are serialised with the trail's appends; a second purge finds nothing to do.
    ///
    /// - Parameters:
    ///   - cutoff: entries from before this time (milliseconds since the Unix epoch) go.
    ///   - actor: who purges, such as `system:retention`.
    ///   - now: the time of the purge record.
    ///   - batch: the most entries one transaction removes, to keep writers waiting briefly.
    /// - Throws: `AuditTrailError.broken` when the part to remove does not verify: removing it
    ///   would hide the break, so nothing is removed until someone has looked at it.
    @discardableResult
    public func purge(
        before cutoff: Int64, actor: String, now: Int64, batch: Int = 10_000, in database: any Database
    ) throws -> Int {
        precondition(batch > 0, "a purge batch removes at least one entry")
        var removed = 0
        while true {
            let count = try database.write { connection in
                try purgeBatch(before: cutoff, actor: actor, now: now, batch: batch, in: connection)
            }
            removed += count
            if count < batch { return removed }
        }
    }

    private func purgeBatch(
        before cutoff: Int64, actor: String, now: Int64, batch: Int, in connection: any SQLConnection
    ) throws -> Int {
        if connection.dialect == .postgres {
            // The append lock: no entry is added while the prefix is chosen and cut.
            try connection.execute("SELECT pg_advisory_xact_lock(7407002)")
        }
        let checkpoint = try AuditCheckpoint.newest(in: connection)
        let floor = checkpoint?.throughSequence ?? 0
        let bounds = try connection.first(
            """
            SELECT (SELECT MIN(sequence) FROM audit_entries WHERE at >= $1) AS first_kept,
                (SELECT MAX(sequence) FROM audit_entries) AS last
            """, [.integer(cutoff)])
        guard let last = try bounds?.optionalInteger("last") else { return 0 }
        let firstKept = try bounds?.optionalInteger("first_kept") ?? last + 1
        let through = min(firstKept - 1, floor + Int64(batch))
        guard through > floor else { return 0 }

        let doomed = try entries(after: floor, organisationID: nil, limit: Int(through - floor), in: connection)
        var previous = checkpoint?.throughHash ?? AuditTrail.genesis
        for (offset, entry) in doomed.enumerated() {
            let expected = floor + 1 + Int64(offset)
            guard entry.sequence == expected, constantTimeEqual(AuditTrail.hash(entry, previous), entry.hash) else {
                throw AuditTrailError.broken(sequence: expected)
            }
            previous = entry.hash
        }
        guard doomed.count == Int(through - floor) else { throw AuditTrailError.broken(sequence: through) }

        let pending = AuditCheckpoint(
            throughSequence: through, throughHash: previous, recordedIn: 0, purged: through - floor,
            olderThan: cutoff, at: now)
        let record = try append(
            AuditChange(
                actorID: actor, actorOrganisationID: AuditTrail.systemOrganisation,
                organisationID: AuditTrail.systemOrganisation, action: AuditTrail.purgeAction,
                objectType: "audit_trail", objectID: String(through), before: nil, after: pending.recordedJSON),
            at: now, in: connection)
        try connection.execute(
            "INSERT INTO audit_checkpoints (\(AuditCheckpoint.columns)) VALUES ($1, $2, $3, $4, $5, $6)",
            [
                .integer(through), .blob(previous), .integer(record.sequence), .integer(pending.purged),
                .integer(cutoff), .integer(now),
            ])
        try connection.execute("DELETE FROM audit_entries WHERE sequence <= $1", [.integer(through)])
        return Int(pending.purged)
    }
}

/// Why the audit trail could not be purged.
public enum AuditTrailError: Error, Equatable, CustomStringConvertible {
    /// The entry at `sequence` is missing or does not chain from the one before.
    case broken(sequence: Int64)

    public var description: String {
        switch self {
        case .broken(let sequence):
            "the audit trail is broken at sequence \(sequence), so it was not purged: removing entries would hide "
                + "the break. Check it with GET /api/v1/audit/verification and investigate before purging again."
        }
    }
}
