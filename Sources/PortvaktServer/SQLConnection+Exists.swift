import Storage

extension SQLConnection {
    /// Whether the query returns at least one row.
    func exists(_ sql: String, _ parameters: [SQLValue]) throws -> Bool {
        try first(sql, parameters) != nil
    }
}
