import Storage

/// Removes event data older than the retention period.
///
/// What stays: each lock's highest counter (`lock_event_chains`), so a purge never looks like a
/// gap, and the mapping from key identities to keys, which holds no event.
public struct EventRetention: Sendable {
    /// A purge step; it holds nothing.
    public init() {}

    /// What one purge removed.
    public struct Purged: Equatable, Sendable {
        /// Lock events removed.
        public var lockEvents: Int
        /// Key events removed.
        public var keyEvents: Int
        /// Report entry records removed.
        public var entries: Int
        /// Findings removed.
        public var findings: Int

        /// Rows removed in all.
        public var total: Int { lockEvents + keyEvents + entries + findings }
    }

    /// Deletes, inside the caller's transaction, the lock and key events and the records of report
    /// entries the server received before `cutoff`, and the findings found before it (their
    /// evidence with them).
    ///
    /// Events go by when they arrived, not by the time they claim: a batch could claim any time,
    /// and an event dated in the future must not outlive the retention period, nor one dated
    /// in the past vanish at once. Each lock's confirmed chain head outlives the purge.
    ///
    /// - Parameter cutoff: milliseconds since the epoch.
    @discardableResult
    public func purge(olderThan cutoff: Int64, in connection: any SQLConnection) throws -> Purged {
        let parameter: [SQLValue] = [.integer(cutoff)]
        return Purged(
            lockEvents: try connection.execute(
                "DELETE FROM lock_events WHERE received_at < $1 RETURNING id", parameter
            ).count,
            keyEvents: try connection.execute(
                "DELETE FROM key_events WHERE received_at < $1 RETURNING id", parameter
            ).count,
            entries: try connection.execute(
                "DELETE FROM event_report_entries WHERE received_at < $1 RETURNING id", parameter
            ).count,
            findings: try connection.execute(
                "DELETE FROM event_findings WHERE found_at < $1 RETURNING id", parameter
            ).count)
    }
}
