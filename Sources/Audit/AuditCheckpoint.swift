import Storage

/// A record that the trail's oldest entries, up to and including `throughSequence`, were removed
/// under the retention policy.
///
/// The checkpoint keeps the hash of the last removed entry, so the first kept entry still chains
/// from it, and names the `audit.purge` entry that records the purge, so the checkpoint itself is
/// covered by the chain. Checkpoints are append-only, like the entries.
public struct AuditCheckpoint: Sendable, Equatable {
    /// The sequence number of the last entry removed.
    public let throughSequence: Int64
    /// That entry's chain hash: the previous hash of the first kept entry.
    public let throughHash: [UInt8]
    /// The sequence number of the entry that records this purge.
    public let recordedIn: Int64
    /// How many entries this purge removed.
    public let purged: Int64
    /// The cutoff: entries from before this time (milliseconds since the Unix epoch) were removed.
    public let olderThan: Int64
    /// When the purge ran, milliseconds since the Unix epoch.
    public let at: Int64

    /// The `after` JSON of the entry that records this purge. Verification compares the recorded
    /// entry with it, so a checkpoint that disagrees with the trail is found.
    var recordedJSON: String {
        let hash = throughHash.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return #"{"olderThan":\#(olderThan),"purged":\#(purged),"throughHash":"\#(hash)","#
            + #""throughSequence":\#(throughSequence)}"#
    }

    static let columns = "through_sequence, through_hash, recorded_in, purged, older_than, at"

    init(
        throughSequence: Int64, throughHash: [UInt8], recordedIn: Int64, purged: Int64, olderThan: Int64, at: Int64
    ) {
        self.throughSequence = throughSequence
        self.throughHash = throughHash
        self.recordedIn = recordedIn
        self.purged = purged
        self.olderThan = olderThan
        self.at = at
    }

    init(_ row: SQLRow) throws {
        self.init(
            throughSequence: try row.integer("through_sequence"), throughHash: try row.blob("through_hash"),
            recordedIn: try row.integer("recorded_in"), purged: try row.integer("purged"),
            olderThan: try row.integer("older_than"), at: try row.integer("at"))
    }

    /// The newest checkpoint, or `nil` when the trail was never purged.
    static func newest(in connection: any SQLConnection) throws -> AuditCheckpoint? {
        try connection.first(
            "SELECT \(columns) FROM audit_checkpoints ORDER BY through_sequence DESC LIMIT 1"
        ).map(AuditCheckpoint.init)
    }
}
