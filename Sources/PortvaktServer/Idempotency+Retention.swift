import Storage

extension Idempotency {
    /// Deletes the stored responses created before `cutoff` and returns how many. Requests
    /// reserve keys in their own transactions, so a response older than the replay window may
    /// also have been removed there already.
    static func purge(before cutoff: Int64, in database: any Database) throws -> Int {
        try database.write { connection in
            try connection.execute(
                "DELETE FROM idempotency_records WHERE created_at < $1 RETURNING principal_id", [.integer(cutoff)]
            ).count
        }
    }
}
